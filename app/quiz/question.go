package quiz

import (
	"fmt"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// maxChoices is how many choices fit the IDs a to z.
const maxChoices = 26

// questionParser holds what is known about the question being read, so
// that each error can name it.
type questionParser struct {
	*fileParser
	prompt string
	line   int
}

func (qp *questionParser) fail(line int, format string, args ...any) {
	qp.errorf(line, "question %q "+format, append([]any{shorten(qp.prompt)}, args...)...)
}

// parsedChoice is a choice with the line it was written on, for errors.
type parsedChoice struct {
	Choice
	line int
}

// questionSettings are a question's settings, each at most once except the
// accepted answers.
type questionSettings struct {
	kind, time, points, match *setting
	answers                   []setting
}

// question turns one "## " section into a Question. It reports every
// problem it finds and returns ok=false if there was any.
func (p *fileParser) question(num int, s section, fm quizDefaults) (Question, bool) {
	qp := &questionParser{fileParser: p, prompt: plainText(p.src, s.heading), line: p.nodeLine(s.heading)}
	if qp.prompt == "" {
		p.errorf(qp.line, "question %d has an empty heading; the '## ' heading is the question", num)
		return Question{}, false
	}
	before := len(p.errs)

	var (
		settings          []setting
		body, explanation []ast.Node
		list              *ast.List
		listLine          int
		reportedAfter     bool
	)
	for _, b := range s.blocks {
		switch b := b.(type) {
		case *ast.Paragraph:
			if set, ok := p.settingsParagraph(b); ok {
				settings = append(settings, set...)
				continue
			}
		case *ast.List:
			if isChoiceList(b) {
				if list != nil {
					qp.fail(p.nodeLine(b), "has a second choice list; put all its choices in one list")
					continue
				}
				list, listLine = b, p.nodeLine(b)
				continue
			}
		case *ast.Blockquote:
			for c := b.FirstChild(); c != nil; c = c.NextSibling() {
				explanation = append(explanation, c)
			}
			continue
		case *ast.ThematicBreak, *ast.HTMLBlock, *ast.LinkReferenceDefinition:
			// Separators and comments are for the author; raw HTML is
			// never shown anyway.
			continue
		}
		if list != nil {
			// Shown above the choices it would read out of order, and
			// below them it would be easy to miss: ask the author.
			if !reportedAfter {
				qp.fail(p.nodeLine(b), "has text after its choice list; move it above the choices or make it a '>' explanation")
				reportedAfter = true
			}
			continue
		}
		body = append(body, b)
	}

	qs := qp.collectSettings(settings)
	q := Question{
		ID:        fmt.Sprintf("q%d", num),
		Prompt:    qp.prompt,
		Line:      qp.line,
		TimeLimit: fm.timeLimit,
		Points:    fm.points,
	}
	var declared Kind
	if qs.kind != nil {
		k, err := parseKind(qs.kind.value)
		if err != nil {
			qp.fail(qs.kind.line, "has a bad Type: %v", err)
		}
		declared = k
	}
	if qs.time != nil {
		if t, err := parseTimeLimit(qs.time.value); err != nil {
			qp.fail(qs.time.line, "has a bad Time: %v", err)
		} else {
			q.TimeLimit = t
		}
	}
	if qs.points != nil {
		if n, err := parsePoints(qs.points.value); err != nil {
			qp.fail(qs.points.line, "has bad Points: %v", err)
		} else {
			q.Points = n
		}
	}
	match, matchOK := MatchText, true
	if qs.match != nil {
		m, err := parseMatch(qs.match.value)
		if err != nil {
			qp.fail(qs.match.line, "has a bad Match: %v", err)
		}
		match, matchOK = m, err == nil
	}

	switch {
	case list != nil && len(qs.answers) > 0:
		qp.fail(qs.answers[0].line, "has both a choice list and an Answer: line; a question takes one or the other")
	case list != nil:
		if qs.match != nil {
			qp.fail(qs.match.line, "has a Match: line, which only applies to questions answered with Answer:")
		}
		q.Kind, q.Choices = qp.choiceQuestion(declared, qs.kind, list, listLine)
	case declared != "" && declared != Text:
		qp.fail(qs.kind.line, "is Type: %s but has no choice list; add '- [ ]' and '- [x]' lines", declared)
	case len(qs.answers) == 0:
		qp.fail(qp.line, "has no choices and no Answer: line; add a '- [x]' task list or an 'Answer:' line")
	default:
		q.Kind, q.Match = Text, match
		if matchOK {
			q.Accepted = qp.acceptedAnswers(qs.answers, match)
		}
	}

	if q.Kind == Poll {
		// A poll has no right answer, so nobody could earn its points.
		if qs.points != nil && q.Points != 0 {
			qp.fail(qs.points.line, "is a poll, which awards no points; remove its Points: line")
		}
		q.Points = 0
	}

	heading, err := renderInline(p.src, s.heading)
	if err == nil {
		var rest template.HTML
		rest, err = renderNodes(p.src, body)
		q.PromptHTML = "<p>" + heading + "</p>\n" + rest
	}
	if err == nil {
		q.ExplanationHTML, err = renderNodes(p.src, explanation)
	}
	if err != nil {
		qp.fail(qp.line, "could not be rendered: %v", err)
	}
	return q, len(p.errs) == before
}

// collectSettings sorts settings lines by key and reports keys set twice.
func (qp *questionParser) collectSettings(settings []setting) questionSettings {
	var qs questionSettings
	for i := range settings {
		st := &settings[i]
		var slot **setting
		switch st.key {
		case "answer", "answers":
			qs.answers = append(qs.answers, *st)
			continue
		case "type":
			slot = &qs.kind
		case "time":
			slot = &qs.time
		case "points":
			slot = &qs.points
		case "match":
			slot = &qs.match
		}
		if *slot != nil {
			qp.fail(st.line, "sets %s twice (first on line %d)", settingName(st.key), (*slot).line)
			continue
		}
		*slot = st
	}
	return qs
}

// settingName is a key as the documentation writes it: "Type", "Points".
func settingName(key string) string {
	return strings.ToUpper(key[:1]) + key[1:]
}

// choiceQuestion reads the choice list and works out the kind: declared
// if the author said, else inferred from the choices and the [x] marks.
func (qp *questionParser) choiceQuestion(declared Kind, typeLine *setting, list *ast.List, listLine int) (Kind, []Choice) {
	parsed, ok := qp.choices(list)
	if !ok {
		// A broken item was left out; counting the rest would only add
		// confusing follow-on errors.
		return "", nil
	}
	if len(parsed) < 2 {
		qp.fail(listLine, "has %d choice(s); a choice question needs at least 2", len(parsed))
		return "", nil
	}
	if len(parsed) > maxChoices {
		qp.fail(listLine, "has %d choices; at most %d are allowed", len(parsed), maxChoices)
		return "", nil
	}
	seen := map[string]int{}
	marked := 0
	for _, c := range parsed {
		key := strings.ToLower(c.Text)
		if first, dup := seen[key]; dup {
			qp.fail(c.line, "offers the choice %q twice (first on line %d)", shorten(c.Text), first)
		}
		seen[key] = c.line
		if c.Correct {
			marked++
		}
	}
	trueFalse := len(parsed) == 2 && seen["true"] != 0 && seen["false"] != 0

	kind := declared
	if kind == "" {
		switch {
		case trueFalse:
			kind = TrueFalse
		case marked > 1:
			kind = Multiple
		default:
			kind = Single
		}
	}
	noCorrect := func() {
		qp.fail(listLine, "has no correct choice marked with [x]; add 'Type: poll' if the question has no right answer")
	}
	switch kind {
	case Text:
		qp.fail(typeLine.line, "is Type: text but has a choice list; remove the list or the Type: line")
	case Poll:
		if marked > 0 {
			qp.fail(listLine, "is a poll but marks %d choice(s) with [x]; a poll has no right answer, so use [ ] for every choice", marked)
		}
	case TrueFalse:
		switch {
		case !trueFalse:
			qp.fail(typeLine.line, "is Type: truefalse, so its choices must be exactly True and False")
		case marked == 0:
			noCorrect()
		case marked > 1:
			qp.fail(listLine, "marks both True and False with [x]; mark the one that is right")
		}
	case Single:
		switch {
		case marked == 0:
			noCorrect()
		case marked > 1:
			qp.fail(listLine, "is Type: single but marks %d choices with [x]; mark one, or use Type: multiple", marked)
		}
	case Multiple:
		if marked == 0 {
			noCorrect()
		}
	}

	choices := make([]Choice, len(parsed))
	for i, c := range parsed {
		choices[i] = c.Choice
		choices[i].ID = string(rune('a' + i))
		if kind == TrueFalse {
			// Stable IDs that mean something: a client or an export can
			// tell the answer without looking the choice up.
			choices[i].ID = strings.ToLower(c.Text)
		}
	}
	return kind, choices
}

// choices reads a task list. Every item needs a box, and one line of text,
// because a choice is shown inside a button or a label.
func (qp *questionParser) choices(list *ast.List) (_ []parsedChoice, ok bool) {
	var out []parsedChoice
	ok = true
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		line := qp.nodeLine(item)
		box, block := checkBox(item)
		if box == nil {
			qp.fail(line, "has a list item without a [ ] or [x] box in its choice list")
			ok = false
			continue
		}
		if item.ChildCount() > 1 {
			qp.fail(line, "has a choice that spans several paragraphs or holds a nested list; keep each choice to one line")
			ok = false
			continue
		}
		text := plainText(qp.src, block)
		if text == "" {
			qp.fail(line, "has an empty choice")
			ok = false
			continue
		}
		html, err := renderInline(qp.src, block)
		if err != nil {
			qp.fail(line, "has a choice that could not be rendered: %v", err)
			ok = false
			continue
		}
		out = append(out, parsedChoice{Choice: Choice{Text: text, HTML: html, Correct: box.IsChecked}, line: line})
	}
	return out, ok
}

// isChoiceList reports whether any item of l starts with a task box. A list
// with some boxes is still a choice list, so that a forgotten box is an
// error rather than a silent change of the prompt.
func isChoiceList(l *ast.List) bool {
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		if box, _ := checkBox(item); box != nil {
			return true
		}
	}
	return false
}

// checkBox returns the task box that opens a list item and the text block
// holding it, or nil.
func checkBox(item ast.Node) (*extast.TaskCheckBox, ast.Node) {
	block := item.FirstChild()
	if block == nil {
		return nil, nil
	}
	switch block.(type) {
	case *ast.TextBlock, *ast.Paragraph:
	default:
		return nil, nil
	}
	box, _ := block.FirstChild().(*extast.TaskCheckBox)
	return box, block
}

// acceptedAnswers checks every accepted answer of a text question under its
// match mode, so that a key no student could ever match is caught now.
func (qp *questionParser) acceptedAnswers(lines []setting, m Match) []string {
	var out []string
	for _, st := range lines {
		for _, v := range acceptedValues(st) {
			switch n := utf8.RuneCountInString(v); {
			case v == "":
				qp.fail(st.line, "has an empty %s: value", settingName(st.key))
				continue
			case n > MaxAnswerLen:
				qp.fail(st.line, "has an accepted answer of %d characters; students may type at most %d", n, MaxAnswerLen)
				continue
			}
			if err := validAnswer(m, v); err != nil {
				qp.fail(st.line, "has the accepted answer %q, which does not fit Match: %s: %v", shorten(v), m, err)
				continue
			}
			out = append(out, v)
		}
	}
	return out
}
