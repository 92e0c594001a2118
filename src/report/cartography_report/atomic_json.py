"""JSON files written whole or not at all, never through a link planted at the temporary's name."""
import json
import os

from .run_files import RunError


def write_json(path, data, indent=2):
    """Written to <path>.partial and renamed when complete (a full disk leaves no partial JSON).

    The run folder may come from elsewhere (a report is made from a run copied off a cluster): a
    symbolic link planted at <path>.partial was written through, so `report` overwrote its
    target. A stale temporary is removed, the new one created with O_EXCL | O_NOFOLLOW. An
    existing <path> that is not a regular file (a FIFO blocked the writer forever, a device would
    be replaced by the rename) is refused. OSError carries the path."""
    if os.path.exists(path) and not os.path.isfile(path):
        raise RunError(f"{path}: exists and is not a regular file; choose another --out")
    tmp = path + ".partial"
    try:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=indent, allow_nan=False, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, path)
    except OSError as e:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise OSError(e.errno, e.strerror, e.filename or path) from e
