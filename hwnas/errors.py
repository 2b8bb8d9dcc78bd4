"""The one error type a user sees: a clear message, what to do next, a non-zero exit."""


class UserError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    Bugs in hwnas stay ordinary exceptions; raise this only for things the user can fix.
    """

    exit_code = 2
