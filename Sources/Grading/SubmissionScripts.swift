/// The Python that handles submission archives, run by Probe with the grading venv's interpreter
/// as `python -I -S`. Archives are parsed by Python's tarfile and zipfile, which are well kept and
/// cover the formats' corners, and an untrusted archive is only ever parsed inside the sandbox,
/// never by the grader's own process. Kept in Swift so the `probe` binary carries the scripts.
enum SubmissionScripts {
    /// `extract_submission.py ARCHIVE DEST --max-bytes N --max-files N --max-ratio R`, run in
    /// the sandbox with DEST (an existing, empty folder) as its working folder. Reads tar.gz, tar
    /// or zip by magic bytes and refuses anything unsafe: names leaving DEST, symlinks pointing
    /// out, special files, duplicates, encrypted entries, and more bytes, entries or expansion
    /// than the caps allow, counting the bytes actually written. All or nothing: on any error
    /// DEST is emptied. Prints one JSON line: `{"ok": true, "format", "files", "links",
    /// "bytes"}` with exit 0, or `{"ok": false, "entry", "error"}` with exit 2 (refused or
    /// damaged archive), 64 (usage) or 70 (unexpected failure).
    static let extractor = #"""
    """Safely extracts a submission archive into an empty folder. Written by Probe; run as python -I -S.

    Usage: extract_submission.py ARCHIVE DEST --max-bytes N --max-files N --max-ratio R

    The format (tar.gz, tar or zip) comes from the magic bytes. Names must be relative UTF-8 paths
    without '..'; symlinks must stay inside DEST; hard links become copies of earlier files; special
    files, duplicates and encrypted entries are refused; sizes are the bytes actually written. On any
    error everything under DEST is removed. Prints one JSON line: on success (exit 0)
    {"ok": true, "format": ..., "files": F, "links": L, "bytes": B}, otherwise
    {"ok": false, "entry": NAME or null, "error": ...} with exit 2 (refused or damaged archive),
    64 (usage) or 70 (unexpected failure).
    """
    from __future__ import annotations

    import argparse
    import contextlib
    import errno
    import gzip
    import json
    import os
    import shutil
    import signal
    import stat
    import sys
    import tarfile
    import zipfile
    import zlib
    from dataclasses import dataclass
    from typing import BinaryIO, Callable, Iterator, NoReturn

    try:
        from lzma import LZMAError
    except ImportError:  # without lzma, zipfile cannot open LZMA entries at all
        LZMAError = zlib.error

    CHUNK = 64 * 1024
    MAX_NAME_BYTES = 1024
    MAX_PART_BYTES = 255  # NAME_MAX on Linux
    MAX_DEPTH = 64
    MAX_LONG_HEADER = 4 * 1024  # one pax record set or GNU long name...
    MAX_LONG_HEADERS = 2 * 1024 * 1024  # ...and all of them in one archive
    LONG_HEADER_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME,
                         tarfile.GNUTYPE_LONGLINK)
    TAR_HEADROOM = 1024 * 1024  # decompressed tar headers and padding, on top of the contents...
    TAR_HEADROOM_PER_MEMBER = 8 * 1024  # ...and per member (long names, pax records)
    # What tarfile, zipfile, gzip and the decompressors raise on damaged data. File-system errors
    # under DEST are turned into WriteFailed first, so an OSError here comes from reading.
    DAMAGED = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, LZMAError, OSError, ValueError)


    class Refused(Exception):
        """The archive is unsafe or invalid; `entry` is the member at fault, if known."""

        def __init__(self, entry: str | None, error: str) -> None:
            super().__init__(error)
            self.entry = entry


    class UsageError(Exception):
        """Probe called the script wrongly."""


    class WriteFailed(Exception):
        """Writing under DEST failed: a problem of the machine, not of the archive."""


    @dataclass
    class Member:
        """One archive entry, whatever the format. kind: "file", "dir", "symlink" or "hardlink"."""

        name: str
        kind: str
        executable: bool = False
        target: str = ""
        open: Callable[[], BinaryIO] | None = None


    class Budget:
        """Counts the bytes actually written and refuses the moment a cap is passed."""

        def __init__(self, max_bytes: int, max_ratio: float, archive_size: int) -> None:
            self.max_bytes, self.max_ratio, self.archive_size = max_bytes, max_ratio, archive_size
            self.total = 0

        def add(self, count: int, entry: str) -> None:
            self.total += count
            if self.total > self.max_bytes:
                raise Refused(entry, f"The archive expands to more than {self.max_bytes} bytes; "
                                     f"expected at most {self.max_bytes}.")
            if self.total > self.max_ratio * self.archive_size:
                raise Refused(entry, f"The archive expands to over {self.max_ratio:g} times its own "
                                     f"{self.archive_size} bytes; expected at most {self.max_ratio:g}.")


    class CappedReader:
        """A stream that refuses to yield more than `limit` bytes in all, so a gzip bomb or a huge
        tar header stops early instead of filling memory."""

        def __init__(self, source: BinaryIO, limit: int) -> None:
            self.source, self.limit, self.count = source, limit, 0

        def read(self, size: int = -1) -> bytes:
            data = self.source.read(CHUNK if size < 0 else min(size, CHUNK))
            self.count += len(data)
            if self.count > self.limit:
                raise Refused(None, f"The archive decompresses to over {self.limit} bytes; expected "
                                    "less, within the size cap.")
            return data


    class StrictTarInfo(tarfile.TarInfo):
        """tarfile quietly ends an archive at a damaged, truncated or missing header; here only the
        all-zero end-of-archive block ends it, so an archive cut at a member boundary is an error.
        Extended headers (pax records, GNU long names) are read whole and parsed by regular
        expressions that can take quadratic time (CVE-2024-6232), so their sizes are capped."""

        long_header_bytes_left = MAX_LONG_HEADERS  # this process reads a single archive

        @classmethod
        def frombuf(cls, buf: bytes, encoding: str, errors: str) -> tarfile.TarInfo:
            try:
                info = super().frombuf(buf, encoding, errors)
            except tarfile.EOFHeaderError:
                raise
            except tarfile.HeaderError as error:
                raise tarfile.ReadError(f"damaged or missing tar header: {error}") from None
            if info.type in LONG_HEADER_TYPES:
                cls.long_header_bytes_left -= info.size
                if info.size > MAX_LONG_HEADER:
                    raise Refused(None, f"The archive has a {info.size}-byte extended tar header; "
                                        f"expected at most {MAX_LONG_HEADER}.")
                if cls.long_header_bytes_left < 0:
                    raise Refused(None, f"The archive's extended tar headers pass {MAX_LONG_HEADERS} "
                                        "bytes in all; expected less.")
            return info


    def split_path(entry: str, text: str, what: str) -> list[str]:
        """The components of an archive path; refuses what could escape DEST or confuse Probe."""
        if not text:
            raise Refused(entry, f"The {what} is empty; expected a relative path.")
        if "\0" in text:
            raise Refused(entry, f"The {what} contains a NUL byte; expected a plain relative path.")
        if "\\" in text:
            raise Refused(entry, f"The {what} contains a backslash; names must use '/' between folders.")
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            raise Refused(entry, f"The {what} is not valid UTF-8; expected UTF-8 names.") from None
        if size > MAX_NAME_BYTES:
            raise Refused(entry, f"The {what} is {size} bytes long; expected at most {MAX_NAME_BYTES}.")
        if text.startswith("/"):
            raise Refused(entry, f"The {what} is an absolute path; expected a relative path.")
        parts = [part for part in text.split("/") if part not in ("", ".")]
        if any(len(part.encode("utf-8")) > MAX_PART_BYTES for part in parts):
            raise Refused(entry, f"The {what} has a part over {MAX_PART_BYTES} bytes; expected shorter.")
        if len(parts) > MAX_DEPTH:
            raise Refused(entry, f"The {what} is {len(parts)} levels deep; expected at most {MAX_DEPTH}.")
        return parts


    def check_symlink(member: Member, parts: list[str]) -> None:
        """A target may climb with leading '..' only, never above DEST. No entry goes through a
        symlink, so the link's own folder is real, and links its target passes stay inside too."""
        steps = split_path(member.name, member.target, "symlink target")
        ups = 0
        while ups < len(steps) and steps[ups] == "..":
            ups += 1
        if ".." in steps[ups:]:
            raise Refused(member.name, "The symlink target has '..' after a folder name; expected '..' "
                                       "only at its start.")
        if ups >= len(parts):
            raise Refused(member.name, f"The symlink target '{member.target}' is outside the "
                                       "submission; expected a target inside it.")


    def read_target(member: Member) -> str:
        """A zip symlink's target: its first bytes, enough to tell when it is too long."""
        with member.open() as source:
            target = source.read(MAX_NAME_BYTES + 1)
        try:
            return target.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(member.name, "The symlink target is not UTF-8; expected UTF-8 text.") from None


    @contextlib.contextmanager
    def writing() -> Iterator[None]:
        """Marks file-system errors under DEST as failures of the machine, not of the archive, except
        a file past the sandbox's file-size limit, which is the archive's."""
        try:
            yield
        except OSError as error:
            if error.errno == errno.EFBIG:  # the sandbox's RLIMIT_FSIZE
                raise Refused(None, "The file is larger than the sandbox allows; expected a smaller "
                                    "file.") from None
            raise WriteFailed(f"Writing the submission failed: {error}") from None


    class Tree:
        """What has been written under DEST. Entries are checked against this record, never against
        the file system, and no entry may go through a symlink, so nothing is written through one."""

        def __init__(self, root: str, budget: Budget) -> None:
            self.root, self.budget = root, budget
            self.kinds: dict[str, str] = {}  # relative path -> "dir", "file" or "symlink"
            self.named: set[str] = set()  # paths named by an entry; folders may also be implied
            self.files = self.links = 0
            self.current: str | None = None  # the entry being written, for error reports

        def add(self, member: Member) -> None:
            parts = split_path(member.name, member.name, "name")
            if ".." in parts:
                raise Refused(member.name, "The name contains '..'; expected a path inside the submission.")
            if not parts and member.kind == "dir":
                return  # "./": DEST itself
            if not parts:
                raise Refused(member.name, "The name is empty; expected a relative path.")
            key = "/".join(parts)
            path = self.place(member, parts, key)
            if member.kind == "dir":
                if key not in self.kinds:
                    self.make_dir(key)
            elif member.kind == "symlink":
                if member.open is not None:  # a zip symlink: its target is its contents
                    member.target = read_target(member)
                check_symlink(member, parts)
                with writing():
                    os.symlink(member.target, path)
                self.kinds[key] = "symlink"
                self.links += 1
            elif member.kind == "hardlink":
                self.copy_hardlink(member, path, key)
            else:
                with member.open() as source:
                    self.write_file(member, path, key, source)

        def place(self, member: Member, parts: list[str], key: str) -> str:
            """Refuses duplicates and paths through files or symlinks; makes the missing folders."""
            if key in self.named:
                raise Refused(member.name, "The archive has this path twice; expected each path once.")
            self.named.add(key)
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                kind = self.kinds.get(folder)
                if kind == "symlink":
                    raise Refused(member.name, f"The path goes through the symlink '{folder}'; "
                                               "expected entries in real folders only.")
                if kind == "file":
                    raise Refused(member.name, f"'{folder}' is a file; expected a folder there.")
                if kind is None:
                    self.make_dir(folder)
            if key in self.kinds and member.kind != "dir":
                raise Refused(member.name, "Earlier entries made this path a folder; expected a folder.")
            return os.path.join(self.root, *parts)

        def make_dir(self, key: str) -> None:
            path = os.path.join(self.root, *key.split("/"))
            with writing():
                os.mkdir(path, 0o755)
                os.chmod(path, 0o755)  # whatever the umask
            self.kinds[key] = "dir"

        def write_file(self, member: Member, path: str, key: str, source: BinaryIO) -> None:
            """Streams the contents in chunks, counting each chunk before it is written."""
            mode = 0o755 if member.executable else 0o644
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            with writing():
                descriptor = os.open(path, flags, mode)
                os.fchmod(descriptor, mode)  # whatever the umask
                out = os.fdopen(descriptor, "wb")
            self.kinds[key] = "file"
            self.files += 1
            with out:
                while chunk := source.read(CHUNK):
                    self.budget.add(len(chunk), member.name)
                    with writing():
                        out.write(chunk)

        def copy_hardlink(self, member: Member, path: str, key: str) -> None:
            """A hard link becomes a copy of a regular file extracted earlier from this archive."""
            target = "/".join(split_path(member.name, member.target, "hard link target"))
            if self.kinds.get(target) != "file":
                raise Refused(member.name, f"The hard link target '{member.target}' is not a regular "
                                           "file extracted earlier; expected an earlier file.")
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
            with writing():
                source = os.fdopen(os.open(os.path.join(self.root, *target.split("/")), flags), "rb")
            with source:
                self.write_file(member, path, key, source)


    def tar_members(path: str, compressed: bool, stream_limit: int) -> Iterator[Member]:
        """The members of a tar or tar.gz, read as one stream through a byte cap."""
        with open(path, "rb") as raw:
            source = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
            capped = CappedReader(source, stream_limit)
            with tarfile.open(fileobj=capped, mode="r|", tarinfo=StrictTarInfo,
                              encoding="utf-8", errors="surrogateescape") as archive:
                for info in archive:
                    yield tar_member(archive, info)
            while compressed and capped.read(CHUNK):
                pass  # read to the end, so the gzip checksum and length are verified


    def tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> Member:
        """Maps a tar member to a Member, refusing devices, FIFOs and every other special type."""
        executable = bool(info.mode & 0o111)
        if info.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
            return Member(info.name, "file", executable, open=lambda: archive.extractfile(info))
        if info.type == tarfile.DIRTYPE:
            return Member(info.name, "dir")
        if info.type == tarfile.SYMTYPE:
            return Member(info.name, "symlink", target=info.linkname)
        if info.type == tarfile.LNKTYPE:
            return Member(info.name, "hardlink", executable, target=info.linkname)
        if info.type in (tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE):
            raise Refused(info.name, "The entry is a device or FIFO; expected files, folders, links.")
        kind = info.type.decode("ascii", "replace")
        raise Refused(info.name, f"The entry has tar type '{kind}'; expected files, folders, links.")


    def zip_members(path: str) -> Iterator[Member]:
        """The entries of a zip, in central directory order."""
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                yield zip_member(archive, info)


    def zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Member:
        """Maps a zip entry to a Member, using the Unix file type in the high external_attr bits."""
        name = info.orig_filename  # `filename` is cut at a NUL byte
        mode = info.external_attr >> 16
        file_type = stat.S_IFMT(mode)
        if info.flag_bits & 0x1:
            raise Refused(name, "The entry is encrypted; expected an archive without a password.")
        if file_type not in (0, stat.S_IFREG, stat.S_IFDIR, stat.S_IFLNK):
            raise Refused(name, "The entry is a device, FIFO or socket; expected files, folders, links.")
        if name.endswith("/") or file_type == stat.S_IFDIR:
            return Member(name, "dir")

        def open_entry() -> BinaryIO:
            try:
                return archive.open(info)
            except (NotImplementedError, RuntimeError) as error:
                raise Refused(name, f"The entry cannot be read by Python's zipfile ({error}); "
                                    "expected stored or deflated entries.") from None

        if file_type == stat.S_IFLNK:
            return Member(name, "symlink", open=open_entry)
        return Member(name, "file", bool(mode & 0o111), open=open_entry)


    def detect_format(path: str) -> str:
        """tar.gz, tar or zip, from the magic bytes."""
        with open(path, "rb") as archive:
            head = archive.read(512)
        if head.startswith(b"\x1f\x8b"):
            return "tar.gz"
        if head[257:262] == b"ustar" or (len(head) == 512 and not any(head)):
            return "tar"  # a POSIX or GNU tar, or an empty one (only end-of-archive blocks)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return "zip"
        raise Refused(None, "The file is not a known archive; expected a .tar.gz, .tar or .zip file.")


    def extract(args: argparse.Namespace, archive_format: str, tree: Tree) -> None:
        """Writes every member into the tree, refusing the first one past the member cap."""
        if archive_format == "zip":
            members = zip_members(args.archive)
        else:
            limit = args.max_bytes + TAR_HEADROOM + TAR_HEADROOM_PER_MEMBER * args.max_files
            members = tar_members(args.archive, archive_format == "tar.gz", limit)
        with contextlib.closing(members):
            for count, member in enumerate(members, start=1):
                if count > args.max_files:
                    raise Refused(member.name, f"The archive has more than {args.max_files} entries; "
                                               f"expected at most {args.max_files}.")
                tree.current = member.name
                tree.add(member)
                tree.current = None


    def empty_folder(root: str) -> None:
        """Removes everything under root, but not root, never following a symlink."""
        for entry in os.scandir(root):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


    class ArgumentParser(argparse.ArgumentParser):
        """Reports usage errors as UsageError, for exit 64 and a JSON line, not argparse's exit 2."""

        def error(self, message: str) -> NoReturn:
            raise UsageError(message)


    def parse_args(argv: list[str]) -> argparse.Namespace:
        parser = ArgumentParser(prog="extract_submission.py")
        parser.add_argument("archive")
        parser.add_argument("dest")
        parser.add_argument("--max-bytes", type=int, required=True)
        parser.add_argument("--max-files", type=int, required=True)
        parser.add_argument("--max-ratio", type=float, required=True)
        args = parser.parse_args(argv)
        if args.max_bytes < 0 or args.max_files < 0 or not args.max_ratio > 0:
            raise UsageError("the caps must not be negative, and the ratio must be positive")
        if not os.path.isfile(args.archive):
            raise UsageError(f"ARCHIVE is not a file: {args.archive}")
        if not os.path.isdir(args.dest) or os.listdir(args.dest):
            raise UsageError(f"DEST is not an empty folder: {args.dest}")
        return args


    def report(code: int, entry: str | None, error: str) -> int:
        """Prints the failure line; undecodable bytes in the entry name are replaced."""
        if entry is not None:
            entry = entry.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        print(json.dumps({"ok": False, "entry": entry, "error": " ".join(error.split())}))
        return code


    def main(argv: list[str]) -> int:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past RLIMIT_FSIZE, fail with EFBIG, then clean up
        try:
            args = parse_args(argv)
        except UsageError as error:
            return report(64, None, f"Usage: {error}.")
        tree = Tree(args.dest, Budget(args.max_bytes, args.max_ratio, os.path.getsize(args.archive)))
        archive_format = "archive"
        try:
            archive_format = detect_format(args.archive)
            extract(args, archive_format, tree)
        except BaseException as error:
            try:
                empty_folder(args.dest)
            except OSError as cleanup_error:
                return report(70, tree.current, f"{error} Emptying DEST then failed: {cleanup_error}")
            if isinstance(error, Refused):
                entry = tree.current if error.entry is None else error.entry
                return report(2, entry, str(error))
            if isinstance(error, DAMAGED):
                return report(2, tree.current, f"The archive is damaged or truncated ({error}); "
                                               f"expected a complete {archive_format} file.")
            if isinstance(error, WriteFailed):
                return report(70, tree.current, str(error))
            if isinstance(error, Exception):
                return report(70, tree.current, f"Unexpected error: {type(error).__name__}: {error}")
            raise
        print(json.dumps({"ok": True, "format": archive_format, "files": tree.files,
                          "links": tree.links, "bytes": tree.budget.total}))
        return 0


    if __name__ == "__main__":
        sys.exit(main(sys.argv[1:]))

    """#

    /// `pack_submission.py SRC OUT`, with a JSON array of paths relative to SRC on stdin: packs
    /// exactly those regular files and symlinks, in that order, into a deterministic .tar.gz
    /// (owners 0 and "", mtime 0, mode 0644 or 0755, gzip mtime 0 and no name), so the same
    /// files give the same bytes. Writes OUT.partial, then renames it. Prints one JSON line:
    /// `{"ok": true, "files", "bytes"}` with exit 0, or `{"ok": false, "entry", "error"}` with
    /// exit 2 (a path cannot be packed), 64 (usage) or 70 (unexpected failure).
    static let packer = #"""
    """Packs files of a submission into a deterministic .tar.gz. Written by Probe; run as python -I -S.

    Usage: pack_submission.py SRC OUT, with a JSON array of paths relative to SRC on stdin.

    Only the listed regular files and symlinks are packed, in the given order, with uid and gid 0,
    empty owner names, mtime 0 and mode 0644 or 0755 (0777 for symlinks); the gzip header has
    mtime 0 and no file name, so the same files always give the same bytes. The archive is written
    to OUT.partial, then renamed to OUT. Prints one JSON line: {"ok": true, "files": N, "bytes": B}
    (exit 0), or {"ok": false, "entry": PATH or null, "error": ...} with exit 2 (a listed path
    cannot be packed), 64 (usage) or 70 (unexpected failure).
    """
    from __future__ import annotations

    import contextlib
    import gzip
    import json
    import os
    import stat
    import sys
    import tarfile
    from typing import BinaryIO


    class Refused(Exception):
        """A listed path cannot be packed."""

        def __init__(self, entry: str, error: str) -> None:
            super().__init__(error)
            self.entry = entry


    class UsageError(Exception):
        """Probe called the script wrongly."""


    def read_paths(text: bytes) -> list[str]:
        """The JSON array of relative paths given on stdin."""
        try:
            paths = json.loads(text)
        except ValueError as error:
            raise UsageError(f"stdin is not JSON: {error}") from None
        if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
            raise UsageError("stdin must be a JSON array of strings")
        return paths


    def check_path(path: str, seen: set[str]) -> None:
        """Accepts only plain relative paths, each once, that the extractor will accept too."""
        parts = path.split("/")
        if path.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise Refused(path, "The path is not a plain relative path; expected one like 'src/app.py'.")
        if "\0" in path or "\\" in path:
            raise Refused(path, "The path contains a NUL byte or a backslash; expected '/' separators.")
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            raise Refused(path, "The path is not valid UTF-8; expected UTF-8 names.") from None
        if path in seen:
            raise Refused(path, "The path is listed twice; expected each path once.")
        seen.add(path)


    def check_folders(src: str, path: str) -> None:
        """Refuses a path whose folders are not real folders, so nothing outside SRC is read."""
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if not stat.S_ISDIR(os.lstat(os.path.join(src, folder)).st_mode):
                raise Refused(path, f"The path goes through '{folder}', which is not a real folder; "
                                    "expected real folders only.")


    def member_for(src: str, path: str) -> tuple[tarfile.TarInfo, BinaryIO | None]:
        """The normalised header for one path, and its opened contents if it is a regular file."""
        full = os.path.join(src, path)
        info = tarfile.TarInfo(path)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        try:
            check_folders(src, path)
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                info.type, info.mode, info.linkname = tarfile.SYMTYPE, 0o777, os.readlink(full)
                info.linkname.encode("utf-8")  # tarfile writes pax records as strict UTF-8
                return info, None
            if not stat.S_ISREG(mode):
                raise Refused(path, "The path is not a regular file or symlink; expected one of those.")
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            contents = os.fdopen(os.open(full, flags), "rb")
        except (FileNotFoundError, NotADirectoryError):
            raise Refused(path, "The path does not exist in SRC; expected an existing file.") from None
        except UnicodeEncodeError:
            raise Refused(path, "The symlink target is not valid UTF-8; expected UTF-8 names.") from None
        except OSError as error:
            raise Refused(path, f"The path cannot be read ({error.strerror}); expected a readable "
                                "regular file or symlink.") from None
        status = os.fstat(contents.fileno())
        if not stat.S_ISREG(status.st_mode):
            contents.close()
            raise Refused(path, "The path changed while being packed; expected a stable regular file.")
        info.size = status.st_size
        info.mode = 0o755 if status.st_mode & 0o111 else 0o644
        return info, contents


    def pack(src: str, out: str, paths: list[str]) -> int:
        """Writes the archive to OUT.partial, renames it to OUT, and returns the bytes packed."""
        partial = out + ".partial"
        total = 0
        try:
            with open(partial, "wb") as raw, \
                    gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed, \
                    tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
                seen: set[str] = set()
                for path in paths:
                    check_path(path, seen)
                    info, contents = member_for(src, path)
                    try:
                        archive.addfile(info, contents)
                    finally:
                        if contents is not None:
                            contents.close()
                    total += info.size
            os.replace(partial, out)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
        return total


    def report(code: int, entry: str | None, error: str) -> int:
        """Prints the failure line; characters that are not valid Unicode become '?'."""
        if entry is not None:
            entry = entry.encode("utf-8", "replace").decode("utf-8")
        print(json.dumps({"ok": False, "entry": entry, "error": " ".join(error.split())}))
        return code


    def main(argv: list[str]) -> int:
        if len(argv) != 2:
            return report(64, None, "Usage: pack_submission.py SRC OUT, with a JSON path array on stdin.")
        src, out = argv
        try:
            paths = read_paths(sys.stdin.buffer.read())
            if not os.path.isdir(src):
                raise UsageError(f"SRC is not a folder: {src}")
            total = pack(src, out, paths)
        except UsageError as error:
            return report(64, None, f"Usage: {error}.")
        except Refused as error:
            return report(2, error.entry, str(error))
        except Exception as error:
            return report(70, None, f"Unexpected error: {type(error).__name__}: {error}")
        print(json.dumps({"ok": True, "files": len(paths), "bytes": total}))
        return 0


    if __name__ == "__main__":
        sys.exit(main(sys.argv[1:]))

    """#
}
