#!/usr/bin/env python3
"""Generates tests/data/bad_corpus/: broken and hostile .osz archives mixed into multi-mapper song
groups of good archives, and EXPECTED.json saying what `cartography run` must do with each.

    scripts/make_bad_corpus.py [--out tests/data/bad_corpus] [--good tests/data/corpus_small]

Python standard library only (zipfile, zlib, wave, struct); deterministic (fixed timestamps,
seeded random bytes): the same input gives the same archives with the same zlib.

The good archives of three multi-mapper songs are copied from corpus_small. Most bad archives
are one more "mapper" of one of those songs (same Title/Artist, a creator of their own), so a
bad input sits inside a real song group next to good ones. Charts that are rejected by the
parser carry a decodable audio track (a silent WAV) longer than the song, because the group's
frame count is the minimum over every representative whose audio decodes, even one whose chart
is then rejected (SPEC §4): a rejected chart must not change what the good ones compute.

EXPECTED.json lists every case:
    archive      file name in the folder
    case         short id, description: what is wrong
    used         true when its chart must be encoded (such archives also belong to the
                 "good-only" run, so its results stay comparable)
    skip         null, or {stage, subject, reason}: a skip run_summary.json must list
                 (stage equal, subject and reason substrings, reason case-insensitive)
    warning      null, or a substring of a warning naming the archive's chart (repairs)
and "good": the archives copied unchanged from corpus_small.
"""
import argparse
import io
import json
import os
import random
import shutil
import struct
import sys
import wave
import zipfile
import zlib

EPOCH = (1980, 1, 1, 0, 0, 0)

# Multi-mapper songs of corpus_small whose archives are small; bad cases join these groups.
SONGS = [
    ["100519.osz", "100520.osz", "100553.osz"],  # Synthetic Song 009 / Artist 2
    ["100329.osz", "100332.osz", "100335.osz"],  # Synthetic Song 006 / Artist 6
    ["100615.osz", "100631.osz"],                # Synthetic Song 011 / Artist 4
]
# Longer than every song above (their frame counts are 4740, 8453, 9853: at most 59 s).
WAV_SECONDS = 75


# ---------------------------------------------------------------------------------------------
# Building blocks

def zinfo(name, compress=zipfile.ZIP_DEFLATED):
    zi = zipfile.ZipInfo(name, date_time=EPOCH)
    zi.compress_type = compress
    zi.create_system = 3
    zi.external_attr = 0o644 << 16
    return zi


def make_zip(entries, compress=zipfile.ZIP_DEFLATED):
    """entries: [(name, bytes)] in archive order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            z.writestr(zinfo(name, compress), data)
    return buf.getvalue()


def silent_wav(seconds=WAV_SECONDS, rate=8000):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(b"\x80" * (seconds * rate))
    return buf.getvalue()


def wav_header(channels=1, rate=8000, bits=8, data_bytes=0, fmt_tag=1):
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + data_bytes) + b"WAVE" +
            b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", data_bytes))


class Chart:
    """An .osu as a list of lines, edited per case."""

    def __init__(self, text):
        self.lines = text.replace("\r\n", "\n").split("\n")

    def text(self, eol="\n"):
        return eol.join(self.lines)

    def bytes(self, eol="\n"):
        return self.text(eol).encode("utf-8")

    def find_key(self, key):
        for i, line in enumerate(self.lines):
            if line.split(":", 1)[0].strip() == key and ":" in line:
                return i
        return None

    def set(self, key, value):
        """Set (or, with None, remove) `key:value`; a missing key goes after its section."""
        i = self.find_key(key)
        if value is None:
            if i is not None:
                del self.lines[i]
            return self
        if i is None:
            raise KeyError(key)
        self.lines[i] = f"{key}:{value}" if key not in ("AudioFilename", "Mode") else f"{key}: {value}"
        return self

    def raw_set(self, key, line):
        self.lines[self.find_key(key)] = line
        return self

    def section(self, name):
        """(header index, first line, end) of a section's body (end = its blank line or EOF)."""
        h = self.lines.index(f"[{name}]")
        end = h + 1
        while end < len(self.lines) and self.lines[end].strip() != "":
            end += 1
        return h, h + 1, end

    def objects(self):
        _, a, b = self.section("HitObjects")
        return a, b

    def set_object(self, k, line):
        a, _ = self.objects()
        self.lines[a + k] = line
        return self

    def object(self, k):
        a, _ = self.objects()
        return self.lines[a + k].split(",")

    def first_of_type(self, bit):
        a, b = self.objects()
        for k in range(b - a):
            if int(self.lines[a + k].split(",")[3]) & bit:
                return k
        raise ValueError(bit)

    def set_object_field(self, k, field, value):
        f = self.object(k)
        f[field] = value
        return self.set_object(k, ",".join(f))

    def timing(self):
        _, a, b = self.section("TimingPoints")
        return a, b

    def set_timing_field(self, k, field, value):
        a, _ = self.timing()
        f = self.lines[a + k].split(",")
        f[field] = value
        self.lines[a + k] = ",".join(f)
        return self

    def remove_section(self, name, keep_body=False):
        h, a, b = self.section(name)
        if keep_body:
            del self.lines[h]
        else:
            del self.lines[h:b + 1 if b < len(self.lines) else b]
        return self

    def insert_after(self, key_or_header, *lines):
        i = self.find_key(key_or_header) if not key_or_header.startswith("[") else self.lines.index(key_or_header)
        self.lines[i + 1:i + 1] = list(lines)
        return self

    def append_objects(self, *lines):
        _, b = self.objects()
        self.lines[b:b] = list(lines)
        return self


# ---------------------------------------------------------------------------------------------

class Corpus:
    def __init__(self, good_dir, out_dir):
        self.good_dir, self.out = good_dir, out_dir
        self.cases = []
        self.next_id = 900001
        self.rng = random.Random(20260501)
        self.wav = silent_wav()
        self.songs = []  # per song: (title, artist, template chart text, one good archive's bytes)
        for files in SONGS:
            best = None
            for f in files:
                with zipfile.ZipFile(os.path.join(good_dir, f)) as z:
                    for name in z.namelist():
                        if not name.endswith(".osu"):
                            continue
                        text = z.read(name).decode("utf-8")
                        c = Chart(text)
                        if c.find_key("Mode") is None or c.lines[c.find_key("Mode")].split(":")[1].strip() != "0":
                            continue
                        n_sliders = sum(1 for line in c.lines[c.objects()[0]:c.objects()[1]] if int(line.split(",")[3]) & 2)
                        if best is None and n_sliders >= 3:
                            best = (f, text)
            title = Chart(best[1]).lines[Chart(best[1]).find_key("Title")].split(":", 1)[1]
            artist = Chart(best[1]).lines[Chart(best[1]).find_key("Artist")].split(":", 1)[1]
            with open(os.path.join(good_dir, best[0]), "rb") as fh:
                good_bytes = fh.read()
            self.songs.append((title, artist, best[1], good_bytes))
        self.song_turn = 0

    # --- ids and names
    def new_id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def pick_song(self):
        s = self.song_turn % len(self.songs)
        self.song_turn += 1
        return s

    def chart(self, song, case_id, creator=None):
        """The song's template chart as a new mapper's difficulty (audio: audio.wav)."""
        c = Chart(self.songs[song][2])
        c.set("Creator", creator or f"bad_{case_id}")
        c.set("Version", f"Case {case_id}")
        c.set("AudioFilename", "audio.wav")
        # Above every good difficulty of the song: our chart is this mapper's representative.
        c.set("OverallDifficulty", "9")
        return c

    def osu_name(self, song, case_id):
        title, artist = self.songs[song][0], self.songs[song][1]
        return f"{artist} - {title} (bad_{case_id}) [Case {case_id}].osu"

    # --- recording
    def add(self, case, description, data, *, used, skip=None, warning=None, name=None, set_id=None):
        name = name or f"{set_id}.osz"
        path = os.path.join(self.out, name)
        with open(path, "wb") as fh:
            fh.write(data)
        self.cases.append({
            "archive": name,
            "case": case,
            "description": description,
            "used": used,
            "skip": skip,
            "warning": warning,
        })

    def skip(self, stage, subject, reason):
        return {"stage": stage, "subject": subject, "reason": reason}

    # --- the common shapes of a case
    def chart_case(self, case, description, mutate, *, used=False, stage="chart", reason="", warning=None,
                   eol="\n", encode=None, audio=None, audio_name="audio.wav", extra=()):
        """One .osu (mutated template) + audio in a song group."""
        sid = self.new_id()
        song = self.pick_song()
        c = self.chart(song, sid)
        mutate(c)
        data = encode(c) if encode else c.bytes(eol)
        entries = [(audio_name, self.wav if audio is None else audio), (self.osu_name(song, sid), data)]
        entries += list(extra)
        skip = None if used and not reason else self.skip(stage, f"{sid}/", reason)
        self.add(case, description, make_zip(entries), used=used, skip=skip, warning=warning, set_id=sid)
        return sid

    def good_audio_prefix(self, n):
        with zipfile.ZipFile(io.BytesIO(self.songs[0][3])) as z:
            name = next(x for x in z.namelist() if x.endswith((".ogg", ".mp3")))
            return z.read(name)[:n]

    def valid_archive(self, sid, song, creator=None):
        c = self.chart(song, sid, creator)
        return [("audio.wav", self.wav), (self.osu_name(song, sid), c.bytes())]


# ---------------------------------------------------------------------------------------------
# The cases

def container_cases(k):
    """Archives that are not readable zips: skipped while indexing, subject = the file name."""
    def add(case, description, data, reason, sid=None):
        sid = sid or k.new_id()
        k.add(case, description, data, used=False, skip=k.skip("index", f"{sid}.osz", reason), set_id=sid)

    sid = k.new_id()
    add("zip/zero-bytes", "a zero-byte file", b"", "empty file", sid)
    base = make_zip(k.valid_archive(0, 0))
    n = len(base)
    for cut in [1, 2, 4, 10, 21, 22, 30, 64, n // 4, n // 2, n - 50, n - 23, n - 22, n - 10, n - 1]:
        add(f"zip/truncated-{cut}-of-{n}", f"a valid archive cut to its first {cut} bytes", base[:cut], "not a zip archive")
    add("zip/random-bytes", "4096 random bytes", bytes(k.rng.getrandbits(8) for _ in range(4096)), "not a zip archive")
    add("zip/text", "a text file named .osz", b"this is not a zip archive\n" * 20, "not a zip archive")
    add("zip/png", "a PNG header named .osz", b"\x89PNG\r\n\x1a\n" + bytes(200), "not a zip archive")
    add("zip/gzip", "a gzip stream named .osz", b"\x1f\x8b\x08\x00" + zlib.compress(b"osu file format v14" * 50), "not a zip archive")
    add("zip/rar", "a RAR signature named .osz", b"Rar!\x1a\x07\x00" + bytes(100), "not a zip archive")
    add("zip/empty-archive", "an empty zip (end record only)", make_zip([]), "no .osu")
    add("zip/audio-only", "a zip holding only audio", make_zip([("audio.wav", k.wav)]), "no .osu")
    add("zip/directories-only", "a zip holding only folders", make_zip([("songs/", b""), ("songs/maps/", b"")]), "no .osu")
    add("zip/uppercase-OSU", "the chart is named .OSU (the reference matches .osu exactly)",
        make_zip([("audio.wav", k.wav), ("Chart [Hard].OSU", k.chart(0, 0).bytes())]), "no .osu")
    add("zip/zip-in-zip", "the archive holds only another .osz",
        make_zip([("inner.osz", make_zip(k.valid_archive(0, 0)))]), "no .osu")

    # Byte-level damage to a valid archive whose .osu is stored (not deflated): offsets are known.
    def stored_valid():
        sid = k.new_id()
        song = k.pick_song()
        entries = [(k.osu_name(song, sid), k.chart(song, sid).bytes()), ("audio.wav", k.wav)]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(zinfo(entries[0][0], zipfile.ZIP_STORED), entries[0][1])
            z.writestr(zinfo(entries[1][0]), entries[1][1])
        return sid, bytearray(buf.getvalue()), entries

    def eocd(b):
        return b.rfind(b"PK\x05\x06")

    def central(b):
        return b.find(b"PK\x01\x02")

    sid, b, e = stored_valid()
    name_len = len(e[0][0].encode())
    b[30 + name_len + 100] ^= 0xFF
    add("zip/crc-mismatch", "one byte of the (stored) chart flipped: CRC-32 mismatch", bytes(b), "crc error", sid)

    sid = k.new_id()
    song = k.pick_song()
    osu = k.chart(song, sid).bytes()
    z = bytearray(make_zip([(k.osu_name(song, sid), osu), ("audio.wav", k.wav)]))
    nl = len(k.osu_name(song, sid).encode())
    for i in range(30 + nl + 10, 30 + nl + 40):
        z[i] ^= 0x5A
    add("zip/deflate-corrupt", "the chart's deflate stream overwritten with garbage", bytes(z), "corrupt entry data", sid)

    sid, b, _ = stored_valid()
    c = central(b)
    struct.pack_into("<H", b, c + 10, 77)
    struct.pack_into("<H", b, 8, 77)
    add("zip/unknown-method", "compression method 77 (unknown)", bytes(b), "compression method not supported", sid)

    sid, b, _ = stored_valid()
    c = central(b)
    struct.pack_into("<H", b, c + 8, struct.unpack_from("<H", b, c + 8)[0] | 1)
    struct.pack_into("<H", b, 6, struct.unpack_from("<H", b, 6)[0] | 1)
    add("zip/encrypted", "the chart entry flagged as encrypted", bytes(b), "password", sid)

    sid, b, _ = stored_valid()
    q = eocd(b)
    struct.pack_into("<HH", b, q + 8, 5, 5)
    add("zip/entry-count-lies", "the end record claims 5 entries, the directory holds 2", bytes(b), "inconsistent", sid)

    sid, b, _ = stored_valid()
    q = eocd(b)
    struct.pack_into("<I", b, q + 16, len(b) + 1000)
    add("zip/directory-offset-past-end", "the central directory offset points past the file", bytes(b), "inconsistent", sid)

    sid, b, _ = stored_valid()
    c = central(b)
    struct.pack_into("<I", b, c + 42, len(b) + 5000)
    add("zip/local-header-past-end", "the chart's local header offset points past the file", bytes(b), "cannot open entry", sid)

    sid, b, _ = stored_valid()
    q = eocd(b)
    struct.pack_into("<HH", b, q + 4, 1, 1)
    add("zip/multi-disk", "the end record says disk 1 of a split archive", bytes(b), "multi-disk", sid)

    sid, b, _ = stored_valid()
    q = eocd(b)
    struct.pack_into("<H", b, q + 20, 500)
    add("zip/comment-length-lies", "the end record's comment length runs past the file", bytes(b), "inconsistent", sid)

    sid, b, _ = stored_valid()
    c = central(b)
    b[c:c + 4] = b"PK\x01\x03"
    add("zip/directory-signature", "the first central directory signature is damaged", bytes(b), "not a zip archive", sid)


def entry_name_cases(k):
    """Hostile entry names: refused one by one (stage 'archive'); the rest of the archive is used."""
    hostile = [
        ("dotdot", "../evil.osu", "escapes the archive"),
        ("dotdot-deep", "../../../../etc/cron.d/evil", "escapes the archive"),
        ("dotdot-inner", "maps/../../evil.osu", "escapes the archive"),
        ("absolute", "/etc/evil.osu", "absolute"),
        ("absolute-root", "/evil.osu", "absolute"),
        ("drive-letter", "C:\\evil.osu", "drive letter"),
        ("drive-letter-slash", "C:/Windows/evil.osu", "drive letter"),
        ("backslash-dotdot", "..\\evil.osu", "escapes the archive"),
        ("unc", "\\\\server\\share\\evil.osu", "absolute"),
        ("dotdot-backslash-inner", "maps\\..\\..\\evil.osu", "escapes the archive"),
    ]
    for slug, bad, reason in hostile:
        sid = k.new_id()
        song = k.pick_song()
        entries = k.valid_archive(sid, song) + [(bad, k.chart(song, sid).bytes())]
        k.add(f"name/{slug}", f"an extra entry named {bad!r} next to a valid chart and audio",
              make_zip(entries), used=True, skip=k.skip("archive", f"{sid}.osz: ", reason), set_id=sid)
    for slug, bad in [("dotdot", "../only.osu"), ("absolute", "/only.osu"), ("drive-letter", "D:\\only.osu")]:
        sid = k.new_id()
        song = k.pick_song()
        k.add(f"name/only-chart-{slug}", f"the only chart is named {bad!r}",
              make_zip([("audio.wav", k.wav), (bad, k.chart(song, sid).bytes())]),
              used=False, skip=k.skip("index", f"{sid}.osz", f"no usable .osu file: entry '{bad}' was refused"),
              set_id=sid)
    # The audio named by the chart escapes the archive: refused, so the map has no audio.
    sid = k.new_id()
    song = k.pick_song()
    c = k.chart(song, sid)
    c.set("AudioFilename", "../audio.wav")
    k.add("name/audio-dotdot", "AudioFilename and the audio entry are '../audio.wav'",
          make_zip([("../audio.wav", k.wav), (k.osu_name(song, sid), c.bytes())]),
          used=False, skip=k.skip("audio", f"{sid}/", "not found"), set_id=sid)


def raw_zip_with_declared_sizes(entries):
    """A zip whose local and central records declare sizes that may differ from the data.
    entries: [(name, payload (already compressed if method 8), method, declared_uncompressed, crc)]."""
    out, central = bytearray(), bytearray()
    for name, payload, method, declared, crc in entries:
        nb = name.encode()
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(payload), declared, len(nb), 0)
        out += nb + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, 0, method, 0, 0x21, crc,
                               len(payload), declared, len(nb), 0, 0, 0, 0, 0o644 << 16, off)
        central += nb
    cd = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd, 0)
    return bytes(out)


def deflate_raw(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def bomb_cases(k):
    """Zip bombs and lying sizes, refused by the limits of src/osz/archive.hpp."""
    mib = 1 << 20
    # 66 MiB of zeros deflate about 1030:1: above 64 MiB and past the 1000:1 ratio.
    zeros = b"\0" * (66 * mib)
    bomb = deflate_raw(zeros)
    bomb_crc = zlib.crc32(zeros)
    del zeros

    def song_entries(sid, song, c=None):
        c = c or k.chart(song, sid)
        osu = c.bytes()
        return [("audio.wav", deflate_raw(k.wav), 8, len(k.wav), zlib.crc32(k.wav)),
                (k.osu_name(song, sid), deflate_raw(osu), 8, len(osu), zlib.crc32(osu))]

    sid, song = k.new_id(), k.pick_song()
    k.add("bomb/ratio-extra-entry", "an extra 66 MiB entry compressed ~1030:1 next to a valid chart",
          raw_zip_with_declared_sizes(song_entries(sid, song) + [("padding.bin", bomb, 8, 66 * mib, bomb_crc)]),
          used=True, skip=k.skip("archive", f"{sid}.osz: padding.bin", "zip bomb"), set_id=sid)

    sid, song = k.new_id(), k.pick_song()
    k.add("bomb/declared-600MiB-extra", "an extra entry declaring 600 MiB (its data is 1 KB)",
          raw_zip_with_declared_sizes(song_entries(sid, song) +
                                      [("video.avi", deflate_raw(b"x" * 1024), 8, 600 * mib, zlib.crc32(b"x" * 1024))]),
          used=True, skip=k.skip("archive", f"{sid}.osz: video.avi", "zip bomb"), set_id=sid)

    sid, song = k.new_id(), k.pick_song()
    e = song_entries(sid, song)
    e[0] = ("audio.wav", e[0][1], 8, 600 * mib, e[0][4])
    k.add("bomb/declared-600MiB-audio", "the audio entry declares 600 MiB (refused, so the map has no audio)",
          raw_zip_with_declared_sizes(e), used=False, skip=k.skip("audio", f"{sid}/", "not found"), set_id=sid)

    sid, song = k.new_id(), k.pick_song()
    e = song_entries(sid, song)
    e[1] = (e[1][0], bomb, 8, 2048, bomb_crc)
    k.add("bomb/lying-size-chart", "the only chart declares 2 KB but inflates to 66 MiB of zeros",
          raw_zip_with_declared_sizes(e), used=False, skip=k.skip("index", f"{sid}.osz", "declared size"), set_id=sid)

    sid, song = k.new_id(), k.pick_song()
    e = song_entries(sid, song)
    e[0] = ("audio.wav", bomb, 8, 4096, bomb_crc)
    k.add("bomb/lying-size-audio", "the audio declares 4 KB but inflates to 66 MiB of zeros",
          raw_zip_with_declared_sizes(e), used=False, skip=k.skip("audio", f"{sid}/", "declared size"), set_id=sid)

    sid, song = k.new_id(), k.pick_song()
    extra = [(f"hd{i}.avi", deflate_raw(b"y" * 64), 8, 500 * mib, zlib.crc32(b"y" * 64)) for i in range(5)]
    k.add("bomb/declared-500MiB-x5-deflated", "five extra entries declaring 500 MiB each from 64 bytes (refused one by one)",
          raw_zip_with_declared_sizes(song_entries(sid, song) + extra),
          used=True, skip=k.skip("archive", f"{sid}.osz: hd4.avi", "zip bomb"), set_id=sid)

    # Five stored entries declaring 500 MiB each (ratio 1:1, so each passes alone): together
    # they pass the 2 GiB limit on one archive. Their data is not there (the file is small).
    sid, song = k.new_id(), k.pick_song()
    extra = [(f"hd{i}.avi", b"", 0, 500 * mib, 0) for i in range(5)]
    data = bytearray(raw_zip_with_declared_sizes(song_entries(sid, song) + extra))
    # Make the stored entries' compressed sizes claim 500 MiB as well.
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        if struct.unpack_from("<H", data, pos + 10)[0] == 0:
            struct.pack_into("<I", data, pos + 20, 500 * mib)
        pos += 4
    k.add("bomb/total-declared-2.5GiB", "five stored entries declaring 500 MiB each: the fifth passes 2 GiB in all",
          bytes(data), used=True, skip=k.skip("archive", f"{sid}.osz: hd0.avi", "exceeds the whole archive"), set_id=sid)

    sid, song = k.new_id(), k.pick_song()
    e = song_entries(sid, song)
    osu = k.chart(song, sid).bytes()
    e[1] = (e[1][0], deflate_raw(osu), 8, 10, zlib.crc32(osu))
    k.add("bomb/declared-smaller-chart", "the chart declares 10 bytes, inflates to its real size",
          raw_zip_with_declared_sizes(e), used=False, skip=k.skip("index", f"{sid}.osz", "declared size"), set_id=sid)


def archive_name_cases(k):
    """File names that are not plain numbers: the reference's int(stem) raises; ours must not."""
    names = [
        ("non-numeric", "abc.osz", True),
        ("digits-then-letters", "12ab.osz", True),
        ("negative", "-5.osz", True),
        ("plus-sign", "+7.osz", True),
        ("overflow", "99999999999999999999999.osz", True),
        ("underscore", "1_000.osz", True),
        ("leading-space", " 42.osz", True),
        ("unicode", "\u65e5\u672c\u8a9e.osz", True),
        ("arabic-indic-digits", "\u0661\u0662\u0663.osz", True),
        ("empty-stem", ".osz", True),
        ("leading-zeros", "0012.osz", True),
    ]
    for slug, name, used in names:
        song = k.pick_song()
        tag = "n" + str(len(k.cases))
        k.add(f"filename/{slug}", f"a valid archive named {name!r}",
              make_zip(k.valid_archive(tag, song)), used=used, name=name)
    # 12.osz has the same id as 0012.osz (int("0012") == 12), which sorts first and keeps it.
    song = k.pick_song()
    k.add("filename/duplicate-id", "12.osz: id 12 is already taken by 0012.osz",
          make_zip(k.valid_archive("dup12", song)), used=False,
          skip=k.skip("index", "12.osz", "already taken"), name="12.osz")


def index_cases(k):
    """The first .osu lacks what the index needs: skipped while indexing."""
    def add(case, description, mutate, reason):
        sid, song = k.new_id(), k.pick_song()
        c = k.chart(song, sid)
        data = mutate(c)
        if data is None:
            data = c.bytes()
        k.add(case, description, make_zip([("audio.wav", k.wav), (k.osu_name(song, sid), data)]),
              used=False, skip=k.skip("index", f"{sid}.osz", reason), set_id=sid)

    add("index/no-title", "no Title line", lambda c: c.set("Title", None) and None, "Title")
    add("index/no-artist", "no Artist line", lambda c: c.set("Artist", None) and None, "Artist")
    add("index/no-creator", "no Creator line", lambda c: c.set("Creator", None) and None, "Creator")
    add("index/empty-title", "Title: with nothing after the colon", lambda c: c.raw_set("Title", "Title:") and None, "Title")
    add("index/empty-chart", "a zero-byte .osu", lambda c: b"", "Title")
    add("index/bom-only", "an .osu holding only a UTF-8 BOM", lambda c: b"\xef\xbb\xbf", "Title")
    add("index/utf16", "the chart encoded as UTF-16 (with BOM)", lambda c: c.text("\r\n").encode("utf-16"), "Title")
    # The first .osu lacks Creator, the second one is fine: the reference reads only the first.
    sid, song = k.new_id(), k.pick_song()
    bad = k.chart(song, sid)
    bad.set("Creator", None)
    k.add("index/first-chart-lacks-creator", "the first .osu lacks Creator, a later one has it",
          make_zip([("audio.wav", k.wav), ("a.osu", bad.bytes()), (k.osu_name(song, sid), k.chart(song, sid).bytes())]),
          used=False, skip=k.skip("index", f"{sid}.osz", "Creator"), set_id=sid)


def registry_cases(k):
    """Difficulties the registry drops (stage 'registry'), or keeps with a repaired field."""
    def add(case, description, mutate, reason, used=False, stage="registry", warning=None):
        k.chart_case(case, description, mutate, used=used, stage=stage, reason=reason, warning=warning)

    add("registry/no-mode", "no Mode line", lambda c: c.set("Mode", None), "no Mode line")
    add("registry/mode-text", "Mode: abc", lambda c: c.set("Mode", "abc"), "not a number")
    add("registry/mode-float", "Mode: 0.0 (int() refuses it)", lambda c: c.set("Mode", "0.0"), "not a number")
    add("registry/mode-taiko", "Mode: 1 (taiko)", lambda c: c.set("Mode", "1"), "non-standard mode")
    add("registry/mode-huge", "Mode: 99999999999999999999", lambda c: c.set("Mode", "99999999999999999999"), "Mode")
    add("registry/mode-negative-zero", "Mode: -0 (int('-0') == 0: standard)", lambda c: c.set("Mode", "-0"), "", used=True)
    add("registry/mode-padded", "Mode:   0   (spaces)", lambda c: c.raw_set("Mode", "Mode:   0   "), "", used=True)
    # A second chart whose bytes fail their CRC: the first chart indexes the archive, the
    # registry cannot read the second.
    sid, song = k.new_id(), k.pick_song()
    good = k.chart(song, sid)
    second = k.chart(song, sid)
    second.set("Version", "Broken")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zinfo("a " + k.osu_name(song, sid), zipfile.ZIP_STORED), good.bytes())
        z.writestr(zinfo("b broken.osu", zipfile.ZIP_STORED), second.bytes())
        z.writestr(zinfo("audio.wav"), k.wav)
    b = bytearray(buf.getvalue())
    at = b.find(b"b broken.osu") + len("b broken.osu") + 50
    b[at] ^= 0xFF
    k.add("registry/second-chart-crc", "a second chart whose stored bytes fail their CRC",
          bytes(b), used=True, skip=k.skip("registry", f"{sid}/b broken.osu", "crc"), set_id=sid)


def chart_cases(k):
    """Charts the parser must reject (stage 'chart') or keep with a repair (a warning)."""
    C = k.chart_case

    # -- numbers in hit objects
    fields = [(0, "x"), (1, "y"), (2, "time"), (3, "type"), (4, "hitsound")]
    values = [("nan", "nan", "not finite"), ("inf", "inf", "not finite"), ("-inf", "-inf", "not finite"),
              ("1e400", "1e400", "not finite"), ("text", "abc", "not a number"), ("empty", "", "not a number")]
    for fi, fname in fields:
        for slug, v, why in values:
            C(f"chart/object-{fname}-{slug}", f"hit object {fname} = {v!r}",
              lambda c, fi=fi, v=v: c.set_object_field(3, fi, v), reason=f"{fname} is {why}")
    # int(float('1e20')) is a Python int: the reference keeps these maps; ours refuses them at the
    # source (ChartLimits: coordinates and times far past any real chart).
    C("chart/object-x-1e20", "hit object x = 1e20 (an int in Python, past int64)",
      lambda c: c.set_object_field(3, 0, "1e20"), reason="x 1e+20 is outside")
    C("chart/object-time-1e20", "the last hit object at time 1e20 (an int in Python, past int64)",
      lambda c: c.set_object_field(c.objects()[1] - c.objects()[0] - 1, 2, "1e20"), reason="time 1e+20 is outside")
    C("chart/object-time-negative", "the first object at t = -1000 ms", lambda c: c.set_object_field(0, 2, "-1000"),
      used=True)
    C("chart/object-x-underscore", "hit object x = '1_0' (Python's float accepts it)",
      lambda c: c.set_object_field(3, 0, "1_0"), used=True)
    C("chart/object-x-hex", "hit object x = '0x10' (Python's float refuses it)", lambda c: c.set_object_field(3, 0, "0x10"),
      reason="x is not a number")
    C("chart/object-x-spaces", "hit object x = ' 12 ' (float() strips)", lambda c: c.set_object_field(3, 0, " 12 "),
      used=True)

    # -- object structure
    C("chart/object-too-few-fields", "a hit object with 3 fields", lambda c: c.set_object(3, "100,100,5000"),
      reason="needs x, y, time, type and hitsound")
    C("chart/object-type-zero", "a hit object of type 0", lambda c: c.set_object_field(3, 3, "0"),
      reason="invalid hit object type")
    C("chart/object-type-mania-hold", "a hit object of type 128 (mania hold)", lambda c: c.set_object_field(3, 3, "128"),
      reason="invalid hit object type")
    C("chart/objects-overlap", "a circle starting inside the previous slider",
      lambda c: c.set_object(c.first_of_type(2) + 1,
                             ",".join(["256", "192", str(int(c.object(c.first_of_type(2))[2]) + 1), "1", "0"])),
      reason="before the previous object ends")
    C("chart/objects-decreasing", "the 5th object earlier than the 4th",
      lambda c: c.set_object_field(4, 2, str(int(c.object(3)[2]) - 200)), reason="before the previous object ends")
    C("chart/no-objects", "an empty [HitObjects] section",
      lambda c: c.lines.__delitem__(slice(c.objects()[0], c.objects()[1])), reason="no hit objects")
    C("chart/objects-after-blank-line", "a blank line after 5 objects ends the section (the rest is dropped)",
      lambda c: c.lines.insert(c.objects()[0] + 5, ""), used=True)
    C("chart/objects-with-comments", "'//' comment lines between hit objects",
      lambda c: c.lines.insert(c.objects()[0] + 3, "// a comment"), used=True)
    C("chart/spinner-end-nan", "a spinner whose end time is nan",
      lambda c: c.append_objects(f"256,192,{int(c.object(c.objects()[1] - c.objects()[0] - 1)[2]) + 2000},8,0,nan"),
      reason="spinner end time is not finite")
    C("chart/spinner-no-end", "a spinner without its end field",
      lambda c: c.append_objects(f"256,192,{int(c.object(c.objects()[1] - c.objects()[0] - 1)[2]) + 2000},8,0"),
      reason="spinner needs an end time")
    C("chart/spinner-end-before-start", "a spinner ending before it starts", used=True,
      mutate=lambda c: c.append_objects(
          f"256,192,{int(c.object(c.objects()[1] - c.objects()[0] - 1)[2]) + 2000},8,0,"
          f"{int(c.object(c.objects()[1] - c.objects()[0] - 1)[2]) + 1000}"))
    C("chart/many-objects", "20,000 circles 1 ms apart", used=True,
      mutate=lambda c: (c.lines.__delitem__(slice(c.objects()[0], c.objects()[1])),
                        c.append_objects(*[f"{i % 512},{(i * 7) % 384},{1000 + i},1,0,0:0:0:0:" for i in range(20000)])))
    C("chart/extra-fields", "hit objects with trailing garbage fields", used=True,
      mutate=lambda c: c.set_object(2, ",".join(c.object(2)) + ",junk,,more junk"))

    # -- sliders
    def slider(c):
        return c.first_of_type(2)

    for slug, v, why in [("nan", "nan", "not finite"), ("inf", "inf", "not finite"), ("neg-inf", "-inf", "not finite"),
                         ("1e400", "1e400", "not finite"), ("text", "abc", "length is not a number")]:
        C(f"chart/slider-length-{slug}", f"slider length = {v!r}", lambda c, v=v: c.set_object_field(slider(c), 7, v),
          reason=why)
    C("chart/slider-length-negative", "slider length = -90", used=True,
      mutate=lambda c: c.set_object_field(slider(c), 7, "-90"))
    for slug, v in [("nan", "nan"), ("text", "x"), ("float", "1.5"), ("empty", "")]:
        C(f"chart/slider-slides-{slug}", f"slider repeat count = {v!r}", lambda c, v=v: c.set_object_field(slider(c), 6, v),
          reason="repeat count is not an integer")
    C("chart/slider-slides-zero", "slider repeat count 0", used=True,
      mutate=lambda c: c.set_object_field(slider(c), 6, "0"))
    C("chart/slider-slides-negative", "slider repeat count -3", used=True,
      mutate=lambda c: c.set_object_field(slider(c), 6, "-3"))
    C("chart/slider-missing-length", "a slider line without its length field",
      lambda c: c.set_object(slider(c), ",".join(c.object(slider(c))[:7])), reason="needs curve, repeat count and length")
    for slug, curve, why in [("no-points", "B", "no control point besides its head"),
                             ("no-points-bar", "B|", "not a number"), ("text-point", "B|abc:def", "not a number"),
                             ("three-coordinates", "L|1:2:3", "not x:y"), ("point-no-colon", "L|100", "not x:y")]:
        C(f"chart/slider-curve-{slug}", f"slider curve {curve!r}",
          lambda c, curve=curve: c.set_object_field(slider(c), 5, curve), reason=why)
    # Control points are floats in the reference: NaN/inf geometry, which it would put into the
    # encoding. Ours keeps the map with a finite fallback and a warning.
    for slug, curve in [("nan-point", "B|nan:nan|200:200"), ("inf-point", "L|inf:0"), ("huge-point", "L|1e400:0")]:
        C(f"chart/slider-curve-{slug}", f"slider curve {curve!r}",
          lambda c, curve=curve: c.set_object_field(slider(c), 5, curve), used=True, warning="finite")

    def big_bezier(n, spread=True):
        pts = "|".join(f"{(i * 37) % 512}:{(i * 91) % 384}" if spread else "100:100" for i in range(n))
        return "B|" + pts

    C("chart/slider-1000-points", "a Bezier slider with 1000 control points", used=True,
      mutate=lambda c: c.set_object_field(slider(c), 5, big_bezier(1000)))
    # The reference's closed form for > 12 points cannot convert comb(49999, k) to a float: it raises.
    C("chart/slider-50000-points", "a Bezier slider with 50,000 control points (a 500 KB line)", reason="slider",
      mutate=lambda c: c.set_object_field(slider(c), 5, big_bezier(50000)))
    # Every segment is a single point and is dropped; the reference then fails to extend the path.
    C("chart/slider-1000-identical-points", "a Bezier slider whose 1000 control points are all the start point",
      reason="no segment",
      mutate=lambda c: c.set_object_field(slider(c), 5, "B|" + "|".join([":".join(c.object(slider(c))[:2])] * 1000)))
    # Degenerate geometry the reference turns into NaN: kept, with a finite fallback and a warning.
    C("chart/slider-zero-length-line", "a linear slider whose end point is its start point (length 90)",
      used=True, warning="",
      mutate=lambda c: c.set_object_field(slider(c), 5, "L|" + ":".join(c.object(slider(c))[:2])))
    C("chart/slider-perfect-circle-a-b-a", "a perfect-circle slider through A, B, A (a Bezier A, B, B, A)",
      used=True,
      mutate=lambda c: c.set_object_field(slider(c), 5, "P|300:300|" + ":".join(c.object(slider(c))[:2])))
    C("chart/slider-perfect-circle-a-a-a", "a perfect-circle slider whose three points are one point",
      used=True, warning="",
      mutate=lambda c: c.set_object_field(slider(c), 5, "P|" + "|".join([":".join(c.object(slider(c))[:2])] * 2)))
    C("chart/slider-zero-length-value", "a slider with pixel length 0 (zero duration)",
      used=True, warning="", mutate=lambda c: c.set_object_field(slider(c), 7, "0"))
    C("chart/slider-beat-length-zero", "an uninherited timing point with beat length 0 (zero-duration sliders)",
      used=True, warning="", mutate=lambda c: c.set_timing_field(0, 1, "0"))
    C("chart/slider-multiplier-inf", "SliderMultiplier: inf (zero-duration sliders)",
      used=True, warning="", mutate=lambda c: c.set("SliderMultiplier", "inf"))

    # -- timing points
    for fi, fname, label in [(0, "time", "time"), (1, "beat-length", "beat length"), (2, "meter", "meter")]:
        for slug, v in [("nan", "nan"), ("inf", "inf"), ("text", "abc")]:
            # A non-finite beat length is kept by the reference until a slider's end time
            # int(t + nan or inf) raises; the others raise at once.
            why = ("not a number" if slug == "text" else
                   "slider end time is not finite" if fname == "beat-length" else f"{label} is not finite")
            C(f"chart/timing-{fname}-{slug}", f"timing point {label} = {v!r}",
              lambda c, fi=fi, v=v: c.set_timing_field(0, fi, v), reason=why)
    C("chart/timing-two-fields", "a timing point with 2 fields", lambda c: c.lines.__setitem__(c.timing()[0], "328,435.9"),
      reason="fewer than 3 fields")
    C("chart/timing-none", "an empty [TimingPoints] section",
      lambda c: c.lines.__delitem__(slice(c.timing()[0], c.timing()[1])), reason="no timing points")
    C("chart/timing-only-inherited", "only an inherited (negative) timing point",
      lambda c: c.lines.__setitem__(c.timing()[0], "328,-100,4,2,0,60,0,0"), reason="no timing points")
    C("chart/timing-inherited-tiny", "an inherited point with x = -1e-300 (multiplier clamped to 10)",
      used=True, mutate=lambda c: c.lines.insert(c.timing()[1], "1000,-1e-300,4,2,0,60,0,0"))
    # Sliders 10 times slower: one of them now ends after the next object starts.
    C("chart/timing-inherited-huge", "an inherited point with x = -1e300 (multiplier clamped to 0.1: sliders overlap)",
      mutate=lambda c: c.lines.insert(c.timing()[1], "1000,-1e300,4,2,0,60,0,0"), reason="before the previous object ends")

    # -- difficulty values
    for key in ["HPDrainRate", "CircleSize", "OverallDifficulty", "SliderMultiplier", "SliderTickRate", "ApproachRate"]:
        C(f"chart/difficulty-{key}-text", f"{key}: abc", lambda c, key=key: c.set(key, "abc"),
          reason=f"{key} is not a number")
    C("chart/slider-multiplier-zero", "SliderMultiplier: 0 (the reference divides by zero)",
      lambda c: c.set("SliderMultiplier", "0"), reason="slider end time is not finite")
    C("chart/slider-multiplier-nan", "SliderMultiplier: nan", lambda c: c.set("SliderMultiplier", "nan"),
      reason="slider end time is not finite")
    C("chart/slider-multiplier-denormal", "SliderMultiplier: 1e-320 (slide durations overflow to inf)",
      lambda c: c.set("SliderMultiplier", "1e-320"), reason="slider end time is not finite")
    C("chart/slider-multiplier-negative", "SliderMultiplier: -1.4 (negative slide durations)",
      used=True, mutate=lambda c: c.set("SliderMultiplier", "-1.4"))
    C("chart/approach-rate-nan", "ApproachRate: nan", used=True, mutate=lambda c: c.set("ApproachRate", "nan"))
    C("chart/approach-rate-inf", "ApproachRate: inf", used=True, mutate=lambda c: c.set("ApproachRate", "inf"))
    C("chart/approach-rate-huge-negative", "ApproachRate: -1e308", used=True,
      mutate=lambda c: c.set("ApproachRate", "-1e308"))
    C("chart/circle-size-nan", "CircleSize: nan (not used by the encoding)", used=True,
      mutate=lambda c: c.set("CircleSize", "nan"))
    C("chart/hp-inf", "HPDrainRate: inf (not used by the encoding)", used=True,
      mutate=lambda c: c.set("HPDrainRate", "inf"))

    # -- missing keys and sections
    for key, section in [("Version", "Metadata"), ("HPDrainRate", "Difficulty"), ("CircleSize", "Difficulty"),
                         ("OverallDifficulty", "Difficulty"), ("SliderMultiplier", "Difficulty"),
                         ("SliderTickRate", "Difficulty")]:
        C(f"chart/missing-{key}", f"no {key} line", lambda c, key=key: c.set(key, None),
          reason=f"missing [{section}] {key}")
    C("chart/missing-ApproachRate", "no ApproachRate line (defaults to 7)", used=True,
      mutate=lambda c: c.set("ApproachRate", None))
    C("chart/missing-difficulty-header", "no [Difficulty] header (its keys land after a blank line, in no section)",
      lambda c: c.remove_section("Difficulty", keep_body=True), reason="missing [Difficulty]")
    C("chart/missing-difficulty-section", "no [Difficulty] section at all", lambda c: c.remove_section("Difficulty"),
      reason="missing [Difficulty]")
    C("chart/missing-timing-section", "no [TimingPoints] section", lambda c: c.remove_section("TimingPoints"),
      reason="missing [TimingPoints]")
    C("chart/missing-hitobjects-section", "no [HitObjects] section", lambda c: c.remove_section("HitObjects"),
      reason="missing [HitObjects]")
    C("chart/lowercase-hitobjects-header", "[hitobjects] (section names are case-sensitive)",
      lambda c: c.lines.__setitem__(c.section("HitObjects")[0], "[hitobjects]"), reason="missing [HitObjects]")
    C("chart/two-spaces-before-colon", "'SliderMultiplier  :1.8' (the key regex allows one space)",
      lambda c: c.raw_set("SliderMultiplier", "SliderMultiplier  :" + c.lines[c.find_key("SliderMultiplier")].split(":")[1]),
      reason="missing [Difficulty] SliderMultiplier")
    C("chart/tab-after-colon", "'SliderMultiplier:<tab>1.8'", used=True,
      mutate=lambda c: c.raw_set("SliderMultiplier", "SliderMultiplier:\t" + c.lines[c.find_key("SliderMultiplier")].split(":")[1]))
    C("chart/no-format-line", "no 'osu file format' first line", used=True, mutate=lambda c: c.lines.pop(0))
    C("chart/duplicate-hitobjects-section", "a second [HitObjects] section with one more circle", used=True,
      mutate=lambda c: c.lines.extend(["", "[HitObjects]", "256,192,90000,1,0,0:0:0:0:"]))

    # -- text encodings and line endings
    C("chart/crlf", "CRLF line endings", used=True, mutate=lambda c: None, eol="\r\n")
    C("chart/bom", "a UTF-8 byte-order mark", used=True, mutate=lambda c: None,
      encode=lambda c: b"\xef\xbb\xbf" + c.bytes())
    C("chart/bom-crlf", "BOM and CRLF (as the osu! editor writes)", used=True, mutate=lambda c: None,
      encode=lambda c: b"\xef\xbb\xbf" + c.bytes("\r\n"))
    # The reference's index regex (^Title: with re.MULTILINE on the raw text) sees one line.
    sid = C("chart/cr-only", "old Mac line endings (CR only): one line for the index's regex", mutate=lambda c: None,
            encode=lambda c: c.bytes("\r"), stage="index", reason="lacks Title")
    k.cases[-1]["skip"]["subject"] = f"{sid}.osz"
    C("chart/mixed-eol", "LF and CRLF mixed", used=True, mutate=lambda c: None,
      encode=lambda c: "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(c.lines)).encode())
    # The reference opens charts with encoding='utf-8' (strict): invalid bytes anywhere reject the map.
    for slug, raw in [("latin1-version", b"Version:Caf\xe9 \xff"), ("overlong", b"Version:\xc0\xaf\xe0\x80\xaf"),
                      ("surrogate", b"Version:\xed\xa0\x80x"), ("truncated-sequence", b"Version:abc\xe2\x82")]:
        C(f"chart/non-utf8-{slug}", f"invalid UTF-8 in the Version line ({raw!r})", reason="not valid UTF-8",
          mutate=lambda c: None,
          encode=lambda c, raw=raw: c.bytes().replace(c.lines[c.find_key("Version")].encode(), raw))
    C("chart/non-utf8-comment", "invalid UTF-8 bytes in a comment line", reason="not valid UTF-8", mutate=lambda c: None,
      encode=lambda c: c.bytes().replace(b"[Metadata]", b"// \xff\xfe\xfd junk\n[Metadata]"))
    C("chart/non-utf8-object", "invalid UTF-8 bytes in a hit object's hitsample field", reason="not valid UTF-8",
      mutate=lambda c: c.set_object(1, ",".join(c.object(1)[:5]) + ",0:0:0:0:\udcff"),
      encode=lambda c: c.text().encode("utf-8", "surrogateescape"))
    C("chart/nul-in-comment", "a NUL byte in a comment", used=True, mutate=lambda c: None,
      encode=lambda c: c.bytes().replace(b"[Metadata]", b"// a\x00b\n[Metadata]"))
    C("chart/nul-in-number", "a NUL byte inside a hit object's time", mutate=lambda c: None, reason="time is not a number",
      encode=lambda c: c.bytes().replace(("," + c.object(3)[2] + ",").encode(), ("," + c.object(3)[2] + "\x00,").encode(), 1))

    # -- megabyte lines (deflate keeps the archives small)
    mb = 1 << 20
    C("chart/megabyte-comment", "a 1 MiB comment line", used=True,
      mutate=lambda c: c.lines.insert(1, "//" + "x" * mb))
    C("chart/megabyte-tags", "a 1 MiB Tags line in [Metadata]", used=True,
      mutate=lambda c: c.insert_after("Version", "Tags:" + "tag " * (mb // 4)))
    def events_line(c):
        at = c.lines.index("[TimingPoints]")
        c.lines[at:at] = ["[Events]", "0,0,\"" + "b" * mb + ".jpg\",0,0", ""]

    C("chart/megabyte-event", "a 1 MiB line in [Events]", used=True, mutate=events_line)
    C("chart/megabyte-unknown-section", "a 1 MiB line in an unknown section", used=True,
      mutate=lambda c: c.lines.extend(["", "[Garbage]", "z" * mb]))
    C("chart/megabyte-hitsample", "a hit object with a 1 MiB hitsample field", used=True,
      mutate=lambda c: c.set_object(1, ",".join(c.object(1)[:5]) + ",0:0:0:0:" + "s" * mb))
    C("chart/megabyte-no-final-newline", "a 1 MiB last line without a newline", used=True,
      mutate=lambda c: c.lines.extend(["", "[Junk]", "j" * mb]), encode=lambda c: c.text().rstrip("\n").encode())
    C("chart/megabyte-key-value", "a 1 MiB value for an unknown key in [General]", used=True,
      mutate=lambda c: c.insert_after("AudioFilename", "SkinPreference:" + "k" * mb))


def audio_cases(k):
    """Audio that is missing or does not decode (stage 'audio'), and names matched leniently."""
    C = k.chart_case
    C("audio/missing", "AudioFilename names a file the archive lacks", lambda c: c.set("AudioFilename", "song.mp3"),
      stage="audio", reason="not found")
    C("audio/empty-name", "AudioFilename: with no value", lambda c: c.raw_set("AudioFilename", "AudioFilename:"),
      stage="audio", reason="not found")
    C("audio/no-key", "no AudioFilename line", lambda c: c.set("AudioFilename", None), stage="audio", reason="not found")
    C("audio/zero-bytes", "a zero-byte audio file", lambda c: None, stage="audio", reason="empty file", audio=b"")
    C("audio/text", "a text file named audio.mp3", lambda c: c.set("AudioFilename", "audio.mp3"),
      stage="audio", reason="cannot open input", audio=b"this is not audio\n" * 100, audio_name="audio.mp3")
    C("audio/random-ogg", "random bytes named audio.ogg", lambda c: c.set("AudioFilename", "audio.ogg"),
      stage="audio", reason="cannot open input", audio=bytes(k.rng.getrandbits(8) for _ in range(8192)), audio_name="audio.ogg")
    C("audio/wav-header-cut", "the first 20 bytes of a WAV", lambda c: None, stage="audio", reason="cannot open input",
      audio=k.wav[:20])
    C("audio/wav-zero-channels", "a WAV header with 0 channels", lambda c: None, stage="audio", reason="channel",
      audio=wav_header(channels=0, data_bytes=8000) + b"\x80" * 8000)
    C("audio/wav-zero-rate", "a WAV header with sample rate 0", lambda c: None, stage="audio", reason="sample rate",
      audio=wav_header(rate=0, data_bytes=8000) + b"\x80" * 8000)
    C("audio/wav-unknown-format", "a WAV with format tag 0x1234", lambda c: None, stage="audio", reason="no decoder",
      audio=wav_header(fmt_tag=0x1234, data_bytes=8000) + b"\x80" * 8000)
    C("audio/zip-named-mp3", "a zip archive named audio.mp3", lambda c: c.set("AudioFilename", "audio.mp3"),
      stage="audio", reason="cannot open input", audio=make_zip([("x.txt", b"x" * 1000)]), audio_name="audio.mp3")
    C("audio/directory-entry", "AudioFilename names a folder entry",
      lambda c: c.set("AudioFilename", "music"), stage="audio", reason="not found", extra=[("music/", b"")])
    C("audio/wav-no-samples", "a valid WAV holding no samples", lambda c: None, stage="audio", reason="no audio samples",
      audio=wav_header(data_bytes=0))
    C("audio/ogg-truncated", "the first 4 KB of a real Ogg Vorbis track", lambda c: c.set("AudioFilename", "audio.ogg"),
      stage="audio", reason="cannot open input", audio=k.good_audio_prefix(4096), audio_name="audio.ogg")
    C("audio/case-mismatch", "AudioFilename: AUDIO.WAV, the entry is audio.wav (matched case-insensitively)",
      lambda c: c.set("AudioFilename", "AUDIO.WAV"), used=True)
    C("audio/backslash-subfolder", "AudioFilename: sound\\audio.wav, the entry is sound/audio.wav",
      lambda c: c.set("AudioFilename", "sound\\audio.wav"), used=True, audio_name="sound/audio.wav")
    C("audio/padded-name", "AudioFilename:   audio.wav   (spaces around the name)",
      lambda c: c.raw_set("AudioFilename", "AudioFilename:   audio.wav   "), used=True)


def text_field_cases(k):
    """Text fields of 8 MB (a few KB deflated): refused where they are read, with the field and its
    length, so they never reach the JSON or the HDF5 file (where one such name once made every
    fixed-length string of the run that long)."""
    big = "v" * (8 << 20)
    why = f"is {len(big)} bytes long"
    # An extra difficulty with a huge field beside a valid chart (the first .osu, which the index
    # reads): that difficulty is left out of the registry, the valid one is used.
    for field in ["Version", "Creator", "AudioFilename"]:
        sid = k.new_id()
        song = k.pick_song()
        c = k.chart(song, sid).set(field, big)
        entries = k.valid_archive(sid, song) + [(f"zz {sid} [huge].osu", c.bytes())]
        k.add(f"text/{field.lower()}-8MB", f"an extra difficulty whose {field} is 8 MB", make_zip(entries),
              used=True, skip=k.skip("registry", f"{sid}/zz {sid}", f"{field} {why}"), set_id=sid)
    # The only chart's Title or Artist is huge: the archive cannot be indexed.
    for field in ["Title", "Artist"]:
        sid = k.new_id()
        song = k.pick_song()
        c = k.chart(song, sid).set(field, big)
        k.add(f"text/{field.lower()}-8MB", f"the only chart's {field} is 8 MB",
              make_zip([("audio.wav", k.wav), (k.osu_name(song, sid), c.bytes())]),
              used=False, skip=k.skip("index", f"{sid}.osz", f"{field} {why}"), set_id=sid)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(root, "tests/data/bad_corpus"))
    ap.add_argument("--good", default=os.path.join(root, "tests/data/corpus_small"))
    a = ap.parse_args()

    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    k = Corpus(a.good, a.out)
    good = [f for files in SONGS for f in files]
    for f in good:
        shutil.copyfile(os.path.join(a.good, f), os.path.join(a.out, f))

    container_cases(k)
    entry_name_cases(k)
    bomb_cases(k)
    archive_name_cases(k)
    index_cases(k)
    registry_cases(k)
    chart_cases(k)
    audio_cases(k)
    text_field_cases(k)

    names = [c["archive"] for c in k.cases]
    assert len(names) == len(set(names)), "duplicate archive names"
    manifest = {
        "generator": "scripts/make_bad_corpus.py",
        "good": good,
        "cases": k.cases,
    }
    with open(os.path.join(a.out, "EXPECTED.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(a.out, f)) for f in os.listdir(a.out))
    print(f"{len(k.cases)} cases + {len(good)} good archives in {a.out} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
