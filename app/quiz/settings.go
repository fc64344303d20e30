package quiz

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
)

// Limits on what an author may set. They are generous, and exist so that a
// typo ("Time: 30m" for 30s, "Points: 1000000") is caught at load time.
const (
	defaultPoints = 100
	maxPoints     = 100000
	minTimeLimit  = time.Second
	maxTimeLimit  = time.Hour
)

// setting is one "Key: value" line of a settings paragraph.
type setting struct {
	key   string // lower case
	value string
	line  int
}

// isSettingKey reports whether k may start a settings line. A paragraph
// with any other "Word: text" line is prose, because prompts say things like
// "Hint: think about ports".
func isSettingKey(k string) bool {
	switch k {
	case "type", "time", "points", "answer", "answers", "match":
		return true
	}
	return false
}

// settingsParagraph returns the settings of para if every one of its lines
// is "Key: value" with a known key. The values come from the raw source:
// Markdown is not interpreted in them, so "Answer: *" means an asterisk.
func (p *fileParser) settingsParagraph(para *ast.Paragraph) ([]setting, bool) {
	lines := para.Lines()
	if lines.Len() == 0 {
		return nil, false
	}
	out := make([]setting, 0, lines.Len())
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := strings.TrimSpace(string(seg.Value(p.src)))
		key, value, ok := strings.Cut(line, ":")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok || !isSettingKey(key) {
			return nil, false
		}
		out = append(out, setting{key: key, value: strings.TrimSpace(value), line: p.lineOf(seg.Start)})
	}
	return out, true
}

// parseTimeLimit reads a Go duration ("45s", "1m30s") or whole seconds ("45").
func parseTimeLimit(v string) (time.Duration, error) {
	outside := fmt.Errorf("%q is outside 1s to 1h", v)
	if n, err := strconv.Atoi(v); err == nil {
		// Checked before multiplying, so that a huge number cannot wrap.
		if n < 1 || n > int(maxTimeLimit/time.Second) {
			return 0, outside
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration; write it like 30s, 1m30s or 45 (seconds)", v)
	}
	if d < minTimeLimit || d > maxTimeLimit {
		return 0, outside
	}
	return d, nil
}

func parsePoints(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", v)
	}
	if n < 0 || n > maxPoints {
		return 0, fmt.Errorf("%q is outside 0 to %d", v, maxPoints)
	}
	return n, nil
}

func parseKind(v string) (Kind, error) {
	switch strings.ToLower(strings.Join(strings.Fields(v), "")) {
	case "single":
		return Single, nil
	case "multiple":
		return Multiple, nil
	case "truefalse", "true/false":
		return TrueFalse, nil
	case "poll":
		return Poll, nil
	case "text":
		return Text, nil
	}
	return "", fmt.Errorf("%q is not one of single, multiple, truefalse, poll, text", v)
}

func parseMatch(v string) (Match, error) {
	switch m := Match(strings.ToLower(strings.TrimSpace(v))); m {
	case MatchText, MatchNumber, MatchIP, MatchCIDR:
		return m, nil
	}
	return "", fmt.Errorf("%q is not one of text, number, ip, cidr", v)
}

// acceptedValues splits an "Answer:" or "Answers:" value into answers.
// A value wrapped in backticks loses them, so that "Answer: `10.0.0.0/8`"
// can look like code on GitHub and still mean 10.0.0.0/8.
func acceptedValues(s setting) []string {
	parts := []string{s.value}
	if s.key == "answers" {
		parts = strings.Split(s.value, "|")
	}
	out := make([]string, 0, len(parts))
	for _, v := range parts {
		v = strings.TrimSpace(v)
		if len(v) >= 2 && strings.HasPrefix(v, "`") && strings.HasSuffix(v, "`") {
			v = strings.TrimSpace(v[1 : len(v)-1])
		}
		out = append(out, v)
	}
	return out
}
