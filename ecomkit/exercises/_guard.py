"""The cell the grader runs first in every submission.

It installs a Python audit hook (which code in the notebook cannot remove)
that refuses writes outside the submission's working folder and refuses to
start other programs. A submission that tries either gets a PermissionError in
that cell; the rest of it is still graded.
"""

GUARD_TAG = "ecomkit-grader-guard"

GUARD_SOURCE = r'''# ecomkit grader: this submission may write only inside its working folder
def _ecomkit_guard():
    import os
    import sys

    root = os.path.realpath(os.getcwd())
    allowed = (root + os.sep, "/dev/null")
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    path_events = {
        "os.remove", "os.unlink", "os.rmdir", "os.mkdir", "os.rename", "os.replace",
        "os.truncate", "os.chmod", "os.chown", "os.link", "os.symlink", "shutil.rmtree",
        "shutil.copyfile", "shutil.move", "os.utime",
    }
    program_events = ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                      "subprocess.Popen", "pty.spawn", "os.startfile")

    def inside(path):
        try:
            p = os.path.realpath(os.fsdecode(path))
        except TypeError:
            return True  # a file descriptor: already open
        return p == root or p.startswith(allowed)

    def hook(event, args):
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, 0))[:3]
            writes = (mode is not None and any(c in str(mode) for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & write_flags
            )
            if writes and not isinstance(path, int) and not inside(path):
                raise PermissionError(f"the grader allows writing only inside the working folder, not {path!r}")
        elif event in path_events:
            for p in args[:2]:
                if isinstance(p, (str, bytes, os.PathLike)) and not inside(p):
                    raise PermissionError(f"the grader allows changing files only inside the working folder, not {p!r}")
        elif event.startswith(program_events):
            raise PermissionError("the grader does not allow starting other programs")

    sys.addaudithook(hook)


_ecomkit_guard()
del _ecomkit_guard
'''
