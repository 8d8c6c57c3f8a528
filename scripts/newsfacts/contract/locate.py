"""Map a JSON Pointer to the line it stands on in a JSON text (used on the error path only)."""

from __future__ import annotations

import json
import re
from os.path import commonprefix

#: A token that is not a string (strings are found by ``_string_end``: a regex over a long
#: string keeps state for every repetition, 2.8 GB and 14 s for one 20 MiB string).
_TOKEN = re.compile(r"\s*(?:(?P<punct>[{}\[\]:,])|(?P<lit>[^\s{}\[\]:,\"]+)|(?P<str>\"))")


def _string_end(text: str, start: int) -> int:
    """The end of the string token whose opening quote is at ``start`` (the text's end if it is
    not closed): jumps from quote to quote, in constant memory."""
    i = start + 1
    while True:
        j = text.find('"', i)
        if j < 0:
            return len(text)
        k = j
        while text[k - 1] == "\\":
            k -= 1
        if (j - k) % 2 == 0:  # not escaped: an even run of backslashes before it
            return j + 1
        i = j + 1


def unescape_pointer(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer (RFC 6901)."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def line_of_pointer(text: str, pointer: str) -> int:
    """The 1-based line where the value at ``pointer`` starts in ``text``.

    Where the pointer names something absent (a missing property), the line of the
    deepest existing ancestor. The text need not be valid JSON past that point.

    Time is linear in the text (times the nesting depth, for each value's path); memory is the
    text plus the nesting stack.
    """
    target = unescape_pointer(pointer)
    stack: list[list] = []  # frames: [kind, key-or-index, state]
    best_depth, best_pos = -1, 0
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        start = m.start(m.lastgroup) if m.lastgroup else m.start()
        frame = stack[-1] if stack else None
        if m.lastgroup == "str":
            pos = _string_end(text, start)
            if frame and frame[0] == "obj" and frame[2] == "key":
                frame[1] = _decode_key(text[start:pos])  # a key: short; a value string is never copied
                continue
            token = '"'
        else:
            token = m.group(m.lastgroup or 0)
        if m.lastgroup == "punct" and token in ":,}]":
            if token == ":" and frame:
                frame[2] = "value"
            elif token == "," and frame:
                if frame[0] == "arr":
                    frame[1] += 1
                else:
                    frame[2] = "key"
            elif stack:
                stack.pop()
            continue
        # a value starts here
        path = [str(f[1]) for f in stack]
        depth = len(commonprefix([path, target]))
        if depth == len(path) and depth > best_depth:
            best_depth, best_pos = depth, start
            if depth == len(target):
                break
        if token == "{":
            stack.append(["obj", None, "key"])
        elif token == "[":
            stack.append(["arr", 0, "value"])
    return text.count("\n", 0, best_pos) + 1


def _decode_key(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return token[1:-1]
