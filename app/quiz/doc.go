// Package quiz owns the question model shared by practice quizzes and live
// sessions: quizzes authored in Markdown, quizzes generated from the notes'
// vocabulary, and the rules that decide whether an answer is right. It does
// no I/O beyond reading the fs.FS it is handed.
//
// # Writing a quiz
//
// A quiz is one Markdown file (content/quizzes/NAME.md). It is meant to read
// naturally and to render sensibly on GitHub, so the format is ordinary
// Markdown with a few conventions:
//
//	---
//	title: WebSockets in practice
//	description: Ten quick questions on the upgrade handshake and events.
//	time: 30s
//	points: 100
//	---
//
//	# WebSockets in practice
//
//	## Which HTTP method opens a WebSocket handshake?
//
//	- [ ] POST
//	- [x] GET
//	- [ ] CONNECT
//
//	> The client sends an ordinary GET with `Upgrade: websocket`.
//
//	## Which of these are transport-layer protocols?
//
//	Type: multiple
//	Time: 45s
//	Points: 200
//
//	- [x] TCP
//	- [x] UDP
//	- [ ] IP
//
//	## How many bits long is an IPv4 address?
//
//	Answer: 32
//	Match: number
//
// The quiz ID is the file name without ".md", lower-cased, spaces as "-"
// (the same rule as a note's slug).
//
// Front matter (optional, YAML between "---" lines at the very top): title,
// description, time (the default time limit of every question) and points
// (the default points of every question, 100 if unset). Other keys are
// ignored. Without a front matter title, the first "# " heading is the
// title, else the file name; without a description, the paragraphs before
// the first question are.
//
// Each "## " heading starts a question; questions are numbered q1, q2, ... in
// order. The heading is the prompt. Paragraphs, code blocks, images, tables
// and "### " headings between the heading and the choices are part of the
// prompt too. A "---" line between questions is allowed and not shown (leave
// a blank line above it: right under a line of text, Markdown reads it as a
// heading underline); HTML comments are not shown either. Only one "# "
// heading is allowed, before the first question.
//
// A settings paragraph is a paragraph whose every line is "Key: value",
// with Key (any case) one of:
//
//	Type     single, multiple, truefalse (or true/false), poll, text
//	Time     a Go duration ("45s", "1m30s") or whole seconds ("45"); 1s to 1h
//	Points   a whole number from 0 to 100000
//	Answer   an accepted answer of a text question; may repeat
//	Answers  several accepted answers on one line: "a | b | c"
//	Match    how a typed answer is compared: text (default), number, ip, cidr
//
// Settings paragraphs are not shown. Values are taken literally: no Markdown
// is interpreted in them, except that an answer wrapped in backticks
// ("Answer: `10.0.0.0/8`", which looks like code on GitHub) loses them.
// Accepted answers are at most 200 characters, like typed answers.
//
// Choices are a task list: "- [ ] wrong", "- [x] right" ("[X]" too), one
// line each, at most 26. Choice IDs are a, b, c, ... in order, except for a
// true/false question, whose IDs are "true" and "false". Without "Type:",
// the kind is inferred: exactly two choices reading True and False (any
// case) make a true/false question, one [x] a single-choice question, more
// than one [x] a multiple-choice question. A poll has no [x] at all and
// awards no points; a question with no [x] that is not marked "Type: poll"
// is an error, because a forgotten [x] is the likelier mistake. Nothing but
// settings and an explanation may follow the choice list.
//
// A text question has one or more "Answer:" settings and no choice list.
// Every accepted answer must itself be valid under the question's Match
// mode, so that a typo in the key is caught when the file loads rather than
// when no student can get the question right.
//
// A blockquote ("> ...") anywhere in a question is its explanation, shown
// after answering or at the reveal.
//
// Raw HTML is never rendered, and links with script URLs lose their target:
// what a quiz shows runs in every student's browser.
//
// Limits: a file is at most 1 MiB, a run of lines without a blank line at
// most 8 KiB, blockquotes nest at most 8 deep. The last two exist because
// goldmark needs time quadratic in the size of a block for some inputs;
// with them, the worst file costs seconds rather than minutes to load.
//
// # Errors
//
// [Parse] reports every problem it finds, not only the first, as an
// [ErrorList] of [*ParseError] values, each naming the file and the 1-based
// line of the offending question or setting (0 for the file as a whole).
// A file with any error yields no quiz: a half-loaded quiz in front of a
// class is worse than a clear error on the teacher's screen. [LoadDir] keeps
// going past broken files and collects their errors in [Set.Errors]; it
// skips README.md and names starting with ".".
//
// # Answers
//
// [Question.Check] decides whether an [Answer] is right; [Question.Validate]
// rejects answers no honest client would send. Choice answers are compared
// as sets of choice IDs. Typed answers are compared according to the Match
// mode:
//
//   - text: case-insensitive, surrounding space trimmed and inner runs of
//     space collapsed.
//   - number: numerically, so "32", "32.0" and "3.2e1" are equal. NaN and
//     infinities are never accepted.
//   - ip: as addresses, so "2001:DB8::1" equals "2001:db8:0:0:0:0:0:1". An
//     IPv4-mapped IPv6 address ("::ffff:10.0.0.1") is not the IPv4 address
//     ("10.0.0.1"): on the wire they are different families, and telling
//     them apart is what a networking course teaches. Leading zeros in IPv4
//     ("010.0.0.1") are refused, as net/netip does, because they are
//     ambiguous (octal or decimal).
//   - cidr: as prefixes, written with a length ("10.0.0.0/8") or, for IPv4,
//     a contiguous dotted mask ("10.0.0.0/255.0.0.0"); both of those are the
//     same answer. The address is compared as written, host bits included:
//     "10.1.2.3/8" is not "10.0.0.0/8", because a question asking for a
//     network wants its network address.
//
// A poll has no right answer: Check always reports false for it and scoring
// gives no points. Like a single-choice question, it takes one choice.
//
// # What is secret
//
// [Question.Public] and [Quiz.Public] are what students may see before the
// reveal; they never contain which choice is correct, the accepted answers
// or the explanation. [Question.Key] holds those, for the instructor and for
// the reveal.
//
// # Generated quizzes
//
// [Generate] builds multiple-choice vocabulary quizzes from the notes' terms:
// for each term, "which term matches this definition?" and "what does this
// term mean?", with up to three wrong options taken from the other terms.
// A definition shown in a question has its own term blanked out, because
// students' definitions tend to start with it ("A socket is ...").
// The same notes always give the same quizzes: distractors and the position
// of the right answer come from a random generator seeded with a hash of the
// quiz ID and the term, never from global randomness, so a class that
// reloads a page sees the same questions.
package quiz
