//! The plain text of a post: its text without formatting, white space folded, for
//! summaries, feed titles and announcements.
//!
//! The folding is written by hand for speed (every post's text is built at load) and is
//! tested against `split_whitespace`, which it stands in for.

use pulldown_cmark::{Event, TagEnd};

use super::is_forbidden;

/// The text of the events, with runs of white space folded to one space.
pub(super) fn text_of(events: &[Event<'_>], len: usize) -> String {
    // The text is never longer than the Markdown it comes from.
    let mut folded = Folded {
        out: String::with_capacity(len),
        space: false,
    };
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => folded.push(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => folded.space = true,
            _ => {}
        }
    }
    let text = folded.into_string();
    // The characters HTML and XML forbid go (they come from character references, or from
    // the file). Their UTF-8 starts with one of these bytes; the second test is exact.
    if text
        .bytes()
        .any(|b| b < 0x20 || b == 0x7F || b == 0xC2 || b >= 0xEF)
        && text.chars().any(is_forbidden)
    {
        let kept: String = text.chars().filter(|&c| !is_forbidden(c)).collect();
        return kept.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    text
}

/// Text with every run of white space (as `char::is_whitespace` has it) written as one
/// space and none at either end: `s.split_whitespace().collect::<Vec<_>>().join(" ")`,
/// built byte by byte as the pieces come.
#[derive(Default)]
struct Folded {
    out: String,
    /// White space was seen since the last character written.
    space: bool,
}

/// What [`Folded`] does with a byte: copy it, fold it (ASCII white space), or look at the
/// character it starts (the lead bytes of U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000,
/// the only other white space).
const COPY: u8 = 0;
const WHITE: u8 = 1;
const LOOK: u8 = 2;
const FOLD_CLASS: [u8; 256] = {
    let mut t = [COPY; 256];
    t[b' ' as usize] = WHITE;
    let mut b = 0x09;
    while b <= 0x0D {
        t[b] = WHITE;
        b += 1;
    }
    t[0xC2] = LOOK;
    t[0xE1] = LOOK;
    t[0xE2] = LOOK;
    t[0xE3] = LOOK;
    t
};

impl Folded {
    fn push(&mut self, s: &str) {
        self.out.reserve(s.len() + 1);
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match FOLD_CLASS[usize::from(b)] {
                COPY => {
                    // A run of bytes to copy, single spaces between words included.
                    let start = i;
                    i += 1;
                    while i < bytes.len() {
                        match FOLD_CLASS[usize::from(bytes[i])] {
                            COPY => i += 1,
                            _ if bytes[i] == b' '
                                && bytes
                                    .get(i + 1)
                                    .is_some_and(|&n| FOLD_CLASS[usize::from(n)] == COPY) =>
                            {
                                i += 2
                            }
                            _ => break,
                        }
                    }
                    self.before_char();
                    // `start` and `i` are on character boundaries: a run starts at a
                    // copied byte after white space or a looked-at character, and stops
                    // before an ASCII white space byte or a lead byte.
                    self.out.push_str(&s[start..i]);
                }
                WHITE => {
                    self.space = true;
                    i += 1;
                }
                _ => {
                    // A lead byte, so `i` is on a char boundary.
                    let c = s[i..].chars().next().unwrap_or(' ');
                    let len = c.len_utf8();
                    if c.is_whitespace() {
                        self.space = true;
                    } else {
                        self.before_char();
                        self.out.push(c);
                    }
                    i += len;
                }
            }
        }
    }

    fn before_char(&mut self) {
        if self.space {
            if !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
        }
    }

    fn into_string(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::plain_text;
    use super::*;

    proptest! {
        #[test]
        fn folding_matches_split_whitespace(
            pieces in prop::collection::vec(
                "[a\u{e9} \t\n\r\u{b}\u{c}\u{a0}\u{85}\u{2009}\u{3000}\u{1c}x]{0,8}",
                0..6,
            ),
        ) {
            let mut folded = Folded::default();
            for p in &pieces {
                folded.push(p);
            }
            let joined = pieces.concat();
            let expected = joined.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(folded.into_string(), expected);
        }
    }
    #[test]
    fn plain_text_drops_formatting() {
        assert_eq!(
            plain_text("**Bold** and [a link](https://x.fr).\n\n- one\n- two"),
            "Bold and a link. one two"
        );
    }
}
