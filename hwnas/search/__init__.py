"""Hardware-constrained architecture search: space -> supernet -> Optuna study -> final training."""
