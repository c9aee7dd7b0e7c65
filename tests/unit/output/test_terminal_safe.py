"""terminal_safe: no escape sequence or control character reaches the terminal."""

from __future__ import annotations

import pytest

from scanner.output.sanitize import terminal_safe


def test_plain_text_is_unchanged() -> None:
    assert terminal_safe("DS-2CD2385G1-I 海康威视 [ok]") == "DS-2CD2385G1-I 海康威视 [ok]"


def test_csi_colour_codes_are_stripped() -> None:
    assert terminal_safe("\x1b[31;1mred\x1b[0m text") == "red text"


def test_csi_screen_clear_is_stripped() -> None:
    assert terminal_safe("\x1b[2J\x1b[Hcam") == "cam"


def test_osc8_hyperlink_keeps_only_its_label() -> None:
    # OSC 8 ; params ; URI BEL label OSC 8 ; ; BEL
    assert terminal_safe("\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07") == "click"


def test_osc_title_ended_by_string_terminator_is_stripped() -> None:
    assert terminal_safe("a\x1b]0;pwned\x1b\\b") == "ab"


def test_unterminated_osc_is_stripped_to_the_end() -> None:
    assert terminal_safe("cam\x1b]0;title without end") == "cam"


def test_dcs_string_is_stripped() -> None:
    assert terminal_safe("\x1bPq#0;2;0;0;0\x1b\\ok") == "ok"


def test_eight_bit_csi_and_osc_are_stripped() -> None:
    assert terminal_safe("a\x9b2Jb\x9d0;t\x9cc") == "abc"


def test_two_character_escapes_are_stripped() -> None:
    # ESC c (full reset) and ESC ( B (character set designation)
    assert terminal_safe("a\x1bcb\x1b(Bc") == "abc"


def test_c0_and_c1_controls_are_dropped() -> None:
    assert terminal_safe("a\x00b\x07c\x7fd\x85e\x1b") == "abcde"


def test_line_breaks_and_tabs_become_spaces() -> None:
    assert terminal_safe("a\nb\r\nc\td") == "a b  c d"


def test_bidi_override_is_dropped() -> None:
    assert terminal_safe("cam\u202eevil\u202c") == "camevil"


def test_long_value_is_cut_with_an_ellipsis() -> None:
    assert terminal_safe("abcdefghij", limit=5) == "abcd…"


def test_value_at_the_limit_is_kept_whole() -> None:
    assert terminal_safe("abcde", limit=5) == "abcde"


def test_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        terminal_safe("x", limit=0)
