# Run generated Vitis HLS / Vivado scripts in tclsh with the AMD commands stubbed.
#
# usage: tclsh amd_stubs.tcl OUT.json SCRIPT...
#
# Each script runs in a fresh child interpreter. A command that is neither Tcl's nor in the list of
# AMD commands below is an error, as it would be in Vivado. Every AMD call is recorded with its
# arguments; the few whose results the scripts use answer as the tool would, and the steps that
# produce files (HLS IP export, wrapper, implementation, hardware handoff) create empty stand-ins
# where the tool writes them, so the scripts' own file handling runs for real. Files the scripts
# hand to the tools (add_files, -I include folders, sourced scripts) must exist. The calls go to
# OUT.json as {"script": ..., "calls": [[command, arg, ...], ...], "missing": [paths]}.

set amd_commands {
    open_project set_top add_files open_solution set_part create_clock config_interface csynth_design
    export_design csim_design
    create_project get_board_parts set_property current_project update_ip_catalog get_ipdefs
    create_bd_design validate_bd_design save_bd_design get_files generate_target make_wrapper
    update_compile_order launch_runs wait_on_run get_property get_runs current_fileset
    create_bd_cell apply_bd_automation get_bd_cells get_bd_intf_pins get_bd_pins connect_bd_intf_net
    connect_bd_net assign_bd_address
}

set records {}
set missing {}
set state(cells) {}
set state(ip_repo_paths) {}
set state(exported_ip) {}

proc json_string {s} {
    return "\"[string map [list \\ \\\\ \" \\\" \n \\n \t \\t \r \\r] $s]\""
}

proc need_file {path} {
    global missing
    if {![file exists $path]} {
        lappend missing [file normalize $path]
    }
}

proc stand_in {path} {
    file mkdir [file dirname $path]
    close [open $path w]
    return [file normalize $path]
}

proc positional {arguments} {
    # arguments that are not -flags nor the values of the flags listed here
    set valued {-cflags -csimflags -part -config -type -vlnv -format -rtl -vendor -library -ipname
                -version -period -name -flow_target -files -jobs -to_step -of_objects -fileset -dict -argv
                -reference}
    set result {}
    for {set i 0} {$i < [llength $arguments]} {incr i} {
        set a [lindex $arguments $i]
        if {$a in $valued} {
            incr i
        } elseif {[string index $a 0] ne "-"} {
            lappend result $a
        }
    }
    return $result
}

proc option {arguments flag {default ""}} {
    set i [lsearch -exact $arguments $flag]
    return [expr {$i < 0 ? $default : [lindex $arguments [expr {$i + 1}]]}]
}

proc amd {name args} {
    global records state
    lappend records [list $name {*}$args]
    switch -- $name {
        open_project { set state(hls_project) [file normalize [lindex [positional $args] 0]] }
        open_solution { set state(hls_solution) [lindex [positional $args] 0] }
        add_files {
            foreach path [positional $args] { need_file $path }
            foreach flag [regexp -all -inline -- {-I\S+} [option $args -cflags]] { need_file [string range $flag 2 end] }
        }
        export_design {
            set ip_dir [file join $state(hls_project) $state(hls_solution) impl ip]
            stand_in [file join $ip_dir component.xml]
            set state(exported_ip) [list $ip_dir [join [list [option $args -vendor] [option $args -library] [option $args -ipname] [option $args -version]] :]]
        }
        create_project {
            lassign [positional $args] state(vivado_name) vivado_dir
            set state(vivado_dir) [file normalize $vivado_dir]
        }
        generate_target {
            # the hardware handoff, where Vivado 2020.2 and newer write it
            stand_in [file join $state(vivado_dir) $state(vivado_name).gen sources_1 bd $state(bd) hw_handoff $state(bd).hwh]
        }
        get_board_parts { return [lindex [positional $args] 0] }
        current_project { return project }
        current_fileset { return sources_1 }
        set_property {
            if {[lindex $args 0] eq "ip_repo_paths"} { set state(ip_repo_paths) [lindex $args 1] }
        }
        get_ipdefs {
            set wanted [lindex [positional $args] 0]
            if {[string match {xilinx.com:ip:*:\*} $wanted]} {
                # AMD's own IP is in every Vivado's catalog
                return [string map {:* :1.0} $wanted]
            }
            # found only where the IP repository is the one the HLS export wrote, under its VLNV
            lassign $state(exported_ip) ip_dir vlnv
            foreach repo $state(ip_repo_paths) {
                if {[file normalize $repo] eq $ip_dir && $wanted eq $vlnv && [file exists [file join $repo component.xml]]} {
                    return $vlnv
                }
            }
            return {}
        }
        create_bd_design { set state(bd) [lindex [positional $args] 0] }
        create_bd_cell {
            set cell [lindex [positional $args] 0]
            lappend state(cells) $cell
            return $cell
        }
        get_bd_cells { return [lindex [positional $args] 0] }
        get_bd_intf_pins - get_bd_pins {
            set pin [lindex [positional $args] 0]
            set cell [lindex [split [string trimleft $pin /] /] 0]
            if {$cell ni $state(cells)} { error "$name $pin: no cell $cell in the block design" }
            return $pin
        }
        get_files {
            return [file normalize [file join $state(vivado_dir) $state(vivado_name).srcs sources_1 bd $state(bd) [lindex [positional $args] 0]]]
        }
        make_wrapper {
            return [stand_in [file join $state(vivado_dir) $state(vivado_name).gen sources_1 bd $state(bd) hdl $state(bd)_wrapper.v]]
        }
        get_runs { return [lindex [positional $args] 0] }
        launch_runs {
            stand_in [file join $state(vivado_dir) $state(vivado_name).runs [lindex [positional $args] 0] $state(bd)_wrapper.bit]
        }
        get_property {
            lassign [positional $args] property object
            switch -- $property {
                PROGRESS { return 100% }
                DIRECTORY {
                    if {$object eq "project"} { return $state(vivado_dir) }
                    return [file join $state(vivado_dir) $state(vivado_name).runs $object]
                }
            }
            return {}
        }
    }
    return {}
}

proc run_script {script} {
    global amd_commands records missing
    set records {}
    set missing {}
    set child [interp create]
    foreach command $amd_commands { $child alias $command amd $command }
    # the scripts end with `exit`: stop the script, not tclsh
    $child alias exit amd_exit
    need_file $script
    set status [catch {$child eval [list source $script]} message]
    interp delete $child
    if {$status == 1} {
        puts stderr "$script: $message"
        exit 1
    }
    set calls {}
    foreach call $records {
        set items {}
        foreach item $call { lappend items [json_string $item] }
        lappend calls "\[[join $items ,]\]"
    }
    set paths {}
    foreach path $missing { lappend paths [json_string $path] }
    return "{\"script\": [json_string $script], \"calls\": \[[join $calls ,]\], \"missing\": \[[join $paths ,]\]}"
}

proc amd_exit {args} {
    lappend ::records [list exit {*}$args]
    return -code return
}

set out [lindex $argv 0]
set results {}
set here [pwd]
foreach script [lrange $argv 1 end] {
    lappend results [run_script [file normalize $script]]
    cd $here
}
set f [open $out w]
puts $f "\[[join $results ,\n]\]"
close $f
