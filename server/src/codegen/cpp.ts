/**
 * Untrusted text in generated C++: identifiers made from a file name, and names from the model or the file system
 * written into comments and string literals. A model is an untrusted file and so is its name: a newline in either must
 * not end a comment and start a `#define`, a trailing backslash must not splice the next line into a comment, star-slash must
 * not close a block comment, and `??=`-style trigraph sequences must not appear (compilers still warn about them, and
 * pre-C++17 ones replace them). Pure: no I/O.
 */

/** C and C++ keywords (and alternative tokens): an identifier is never one of these. */
const KEYWORDS = new Set(`alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class
compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype default delete do double
dynamic_cast else enum explicit export extern false float for friend goto if inline int long mutable namespace new noexcept not
not_eq nullptr operator or or_eq private protected public register reinterpret_cast requires restrict return short signed sizeof
static static_assert static_cast struct switch template this thread_local throw true try typedef typeid typename union unsigned
using virtual void volatile wchar_t while xor xor_eq main`.split(/\s+/));

/** The longest identifier `identifierFor` makes (generated names add at most ~20 characters around it). */
export const MAX_IDENTIFIER = 40;

/**
 * Whether `name` can be the base of every generated name: snake_case ASCII starting with a letter, no `__` and no
 * trailing `_` (so neither `NAME_MODEL_DATA_H_` nor `g_name_model_data` is a reserved identifier), not a keyword,
 * at most MAX_IDENTIFIER characters.
 */
export function isIdentifierName(name: string): boolean {
  return name.length <= MAX_IDENTIFIER && /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/.test(name) && !KEYWORDS.has(name);
}

/** FNV-1a over the UTF-16 code units, as 8 hex digits: a short, deterministic tag for a name. */
function hash8(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * A snake_case C identifier from a file name (`person_detect.tflite` -> `person_detect`, `Person-Detect v2.tflite`
 * -> `person_detect_v2`), always passing `isIdentifierName`. Letters are lower-cased and every run of other characters
 * becomes one `_`; a name with anything but printable ASCII (control characters, newlines, non-ASCII letters), or one
 * cut to the length cap, also gets a hash of the whole name, so two such names that clean up alike still differ.
 */
export function identifierFor(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.tflite$/i, '');
  const ordinary = /^[\x20-\x7e]*$/.test(base);
  let id = base.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (id === '') id = 'model';
  if (/^[0-9]/.test(id)) id = `model_${id}`;
  if (KEYWORDS.has(id)) id = `${id}_model`;
  if (ordinary && id.length <= MAX_IDENTIFIER) return id;
  const tag = hash8(base);
  return `${id.slice(0, MAX_IDENTIFIER - tag.length - 1).replace(/_+$/, '')}_${tag}`;
}

/** `U+XXXX` for a code point in comments: no backslash, no `?`, no `*` or `/`, nothing a preprocessor reads. */
const codePoint = (cp: number): string => `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;

/**
 * Untrusted text for a C++ comment (line or block): printable ASCII is kept, except that a backslash and every
 * other character (controls, newlines, non-ASCII) is written as `<U+XXXX>`; `??` becomes `? ?` (no trigraph),
 * and star-slash / slash-star get a space between (no block comment ends or starts).
 */
export function cComment(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x20 && cp <= 0x7e && ch !== '\\' ? ch : codePoint(cp);
  }
  return out.replace(/\?(?=\?)/g, '? ').replace(/\*(?=\/)/g, '* ').replace(/\/(?=\*)/g, '/ ');
}

/**
 * Untrusted text as the contents of a C++ string literal (without the quotes), holding the text's UTF-8 bytes:
 * printable ASCII is kept, `"` `\` `?` are escaped (`\?` rules out trigraphs), every other byte is `\xNN`. A hex escape
 * reads every hex digit after it, so one followed by a hex digit closes the literal and opens the next (`"\xe2" "a"`;
 * adjacent literals concatenate). The same split keeps comment delimiters out of the text (`"*" "/"`): harmless in a
 * literal, but no naive scanner (or a later edit moving the text into a comment) should meet one.
 */
export function cString(s: string): string {
  let out = '';
  let afterHex = false;
  for (const b of utf8(s)) {
    const ch = String.fromCharCode(b);
    if (b >= 0x20 && b <= 0x7e) {
      const prev = out[out.length - 1];
      if ((afterHex && /[0-9A-Fa-f]/.test(ch)) || (prev === '*' && ch === '/') || (prev === '/' && ch === '*')) out += '" "';
      out += ch === '"' || ch === '\\' || ch === '?' ? `\\${ch}` : ch;
      afterHex = false;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      afterHex = true;
    }
  }
  return out;
}

/** UTF-8 bytes of a string (a lone surrogate as U+FFFD, as TextEncoder does; the core has no TextEncoder type). */
function utf8(s: string): number[] {
  const bytes: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return bytes;
}
