package quiz

import (
	"errors"
	"strings"
	"testing"
)

// questionOf parses a one-question quiz.
func questionOf(t *testing.T, body string) *Question {
	t.Helper()
	return &mustParse(t, "## Q?\n\n"+body).Questions[0]
}

func choices(ids ...string) Answer { return Answer{Choices: ids} }
func typed(s string) Answer        { return Answer{Text: s} }

func TestCheckChoices(t *testing.T) {
	single := questionOf(t, "- [ ] a\n- [x] b\n- [ ] c\n")
	multiple := questionOf(t, "- [x] a\n- [x] b\n- [ ] c\n")
	trueFalse := questionOf(t, "- [ ] True\n- [x] False\n")
	poll := questionOf(t, "Type: poll\n\n- [ ] a\n- [ ] b\n")
	tests := []struct {
		name string
		q    *Question
		a    Answer
		want bool
	}{
		{"single right", single, choices("b"), true},
		{"single wrong", single, choices("a"), false},
		{"single right twice", single, choices("b", "b"), true},
		{"single right and wrong", single, choices("b", "a"), false},
		{"single nothing", single, Answer{}, false},
		{"single unknown", single, choices("z"), false},
		{"single text ignored", single, Answer{Choices: []string{"b"}, Text: "a"}, true},
		{"multiple exact", multiple, choices("a", "b"), true},
		{"multiple any order", multiple, choices("b", "a"), true},
		{"multiple repeats", multiple, choices("a", "b", "a"), true},
		{"multiple missing one", multiple, choices("a"), false},
		{"multiple one too many", multiple, choices("a", "b", "c"), false},
		{"multiple unknown extra", multiple, choices("a", "b", "x"), false},
		{"multiple nothing", multiple, Answer{}, false},
		{"true/false right", trueFalse, choices("false"), true},
		{"true/false wrong", trueFalse, choices("true"), false},
		{"true/false by letter", trueFalse, choices("b"), false},
		{"poll answered", poll, choices("a"), false},
		{"poll nothing", poll, Answer{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Check(tt.a); got != tt.want {
				t.Errorf("Check(%+v) = %v, want %v", tt.a, got, tt.want)
			}
		})
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name     string
		match    string // the Match: line, "" for the default
		accepted string // the Answers: line
		answer   string
		want     bool
	}{
		{"text exact", "", "TCP", "TCP", true},
		{"text case", "", "TCP", "tcp", true},
		{"text spaces", "", "Transmission Control Protocol", "  transmission   control\tprotocol ", true},
		{"text unicode case", "", "Ärger", "ärger", true},
		{"text second accepted", "", "TCP | Transmission Control Protocol", "transmission control protocol", true},
		{"text wrong", "", "TCP", "UDP", false},
		{"text empty", "", "TCP", "   ", false},
		{"text not a prefix", "", "TCP", "TC", false},
		{"number same", "number", "32", "32", true},
		{"number decimal", "number", "32", "32.0", true},
		{"number exponent and spaces", "number", "32", " 3.2e1 ", true},
		{"number negative zero", "number", "0", "-0", true},
		{"number accepted as exponent", "number", "1e3", "1000", true},
		{"number wrong", "number", "32", "31.999", false},
		{"number word", "number", "32", "thirty-two", false},
		{"number NaN", "number", "32", "NaN", false},
		{"number Inf", "number", "32", "Inf", false},
		{"number with unit", "number", "32", "32 bits", false},
		{"ip v4", "ip", "10.0.0.1", " 10.0.0.1 ", true},
		{"ip v4 wrong", "ip", "10.0.0.1", "10.0.0.2", false},
		{"ip v4 leading zero", "ip", "10.0.0.1", "010.0.0.1", false},
		{"ip v6 forms", "ip", "2001:db8::1", "2001:0DB8:0:0:0:0:0:1", true},
		{"ip v6 loopback", "ip", "::1", "0:0:0:0:0:0:0:1", true},
		{"ip v6 zero", "ip", "::", "::0", true},
		{"ip mapped is not v4", "ip", "10.0.0.1", "::ffff:10.0.0.1", false},
		{"ip v4 is not mapped", "ip", "::ffff:10.0.0.1", "10.0.0.1", false},
		{"ip mapped forms", "ip", "::ffff:10.0.0.1", "::ffff:a00:1", true},
		{"ip not an address", "ip", "10.0.0.1", "localhost", false},
		{"ip with prefix", "ip", "10.0.0.1", "10.0.0.1/8", false},
		{"cidr same", "cidr", "10.0.0.0/8", "10.0.0.0/8", true},
		{"cidr dotted mask", "cidr", "10.0.0.0/8", "10.0.0.0/255.0.0.0", true},
		{"cidr dotted mask accepted", "cidr", "10.0.0.0/255.0.0.0", "10.0.0.0/8", true},
		{"cidr spaces", "cidr", "10.0.0.0/8", " 10.0.0.0 / 8 ", true},
		{"cidr /32 mask", "cidr", "10.1.2.3/32", "10.1.2.3/255.255.255.255", true},
		{"cidr /0 mask", "cidr", "0.0.0.0/0", "0.0.0.0/0.0.0.0", true},
		{"cidr host bits set", "cidr", "10.0.0.0/8", "10.1.2.3/8", false},
		{"cidr other length", "cidr", "10.0.0.0/8", "10.0.0.0/16", false},
		{"cidr non-contiguous mask", "cidr", "10.0.0.0/8", "10.0.0.0/255.0.255.0", false},
		{"cidr no length", "cidr", "10.0.0.0/8", "10.0.0.0", false},
		{"cidr too long", "cidr", "10.0.0.0/8", "10.0.0.0/33", false},
		{"cidr plus sign", "cidr", "10.0.0.0/8", "10.0.0.0/+8", false},
		{"cidr leading zero", "cidr", "10.0.0.0/8", "10.0.0.0/08", false},
		{"cidr v6", "cidr", "2001:db8::/32", "2001:DB8:0::/32", true},
		{"cidr v6 wrong length", "cidr", "2001:db8::/32", "2001:db8::/48", false},
		{"cidr v6 dotted mask", "cidr", "2001:db8::/32", "2001:db8::/255.255.0.0", false},
		{"cidr v6 128", "cidr", "::1/128", "0:0:0:0:0:0:0:1/128", true},
		{"cidr mapped is not v4", "cidr", "10.0.0.0/8", "::ffff:10.0.0.0/104", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "Answers: " + tt.accepted + "\n"
			if tt.match != "" {
				body += "Match: " + tt.match + "\n"
			}
			q := questionOf(t, body)
			if got := q.Check(typed(tt.answer)); got != tt.want {
				t.Errorf("Check(%q) against %q (%s) = %v, want %v", tt.answer, tt.accepted, q.Match, got, tt.want)
			}
		})
	}
}

// TestCheckHandBuilt covers questions made in code (the live session's
// "typed on the spot" questions), whose Match may be left empty.
func TestCheckHandBuilt(t *testing.T) {
	q := &Question{ID: "q1", Kind: Text, Accepted: []string{"TCP"}}
	if !q.Check(typed("tcp")) {
		t.Error("an empty Match should compare as text")
	}
	if got := q.Public().Match; got != MatchText {
		t.Errorf("Public().Match = %q, want text", got)
	}
	unknown := &Question{ID: "q1", Kind: "essay"}
	if unknown.Check(typed("x")) {
		t.Error("a question of unknown kind accepted an answer")
	}
	if err := unknown.Validate(typed("x")); !errors.Is(err, ErrInvalidAnswer) {
		t.Errorf("Validate on an unknown kind = %v", err)
	}
}

func TestValidate(t *testing.T) {
	single := questionOf(t, "- [ ] a\n- [x] b\n- [ ] c\n")
	multiple := questionOf(t, "- [x] a\n- [x] b\n- [ ] c\n")
	trueFalse := questionOf(t, "- [ ] True\n- [x] False\n")
	poll := questionOf(t, "Type: poll\n\n- [ ] a\n- [ ] b\n")
	text := questionOf(t, "Answer: 32\nMatch: number\n")
	tests := []struct {
		name string
		q    *Question
		a    Answer
		want string // part of the error, "" for valid
	}{
		{"single one", single, choices("a"), ""},
		{"single wrong is still valid", single, choices("c"), ""},
		{"single repeated", single, choices("a", "a"), ""},
		{"single two", single, choices("a", "b"), "only one choice"},
		{"single unknown", single, choices("d"), `there is no choice "d"`},
		{"single none", single, Answer{}, "no choice was selected"},
		{"single text", single, Answer{Choices: []string{"a"}, Text: "a"}, "not text"},
		{"single flood", single, choices("a", "a", "a", "a"), "more choices"},
		{"multiple two", multiple, choices("a", "c"), ""},
		{"multiple all", multiple, choices("a", "b", "c"), ""},
		{"multiple unknown", multiple, choices("a", "q"), `there is no choice "q"`},
		{"true/false ok", trueFalse, choices("true"), ""},
		{"true/false letter", trueFalse, choices("a"), `there is no choice "a"`},
		{"true/false both", trueFalse, choices("true", "false"), "only one choice"},
		{"poll one", poll, choices("b"), ""},
		{"poll two", poll, choices("a", "b"), "only one choice"},
		{"text ok", text, typed("thirty-two"), ""},
		{"text 200 characters", text, typed(strings.Repeat("é", MaxAnswerLen)), ""},
		{"text too long", text, typed(strings.Repeat("x", MaxAnswerLen+1)), "201 characters long"},
		{"text empty", text, typed(" \t"), "empty"},
		{"text with choices", text, choices("a"), "not choices"},
		{"text not utf-8", text, typed("\xff"), "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate(tt.a)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", tt.a, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate(%+v) = %v, want an error containing %q", tt.a, err, tt.want)
			case err != nil && !errors.Is(err, ErrInvalidAnswer):
				t.Errorf("Validate error %v does not wrap ErrInvalidAnswer", err)
			case err != nil && !strings.Contains(err.Error(), "q1"):
				t.Errorf("Validate error %v does not name the question", err)
			}
		})
	}
}

// TestKeyIsRight checks, for every example question, that the answer key
// itself is judged right: the parser and Check agree on what right means.
func TestKeyIsRight(t *testing.T) {
	for _, z := range loadExamples(t) {
		for _, q := range z.Questions {
			k := q.Key()
			switch q.Kind {
			case Poll:
				if len(k.Correct) != 0 || q.Check(choices(q.Choices[0].ID)) {
					t.Errorf("%s %s: a poll has a right answer", z.ID, q.ID)
				}
			case Text:
				for _, acc := range k.Accepted {
					if !q.Check(typed(acc)) || q.Validate(typed(acc)) != nil {
						t.Errorf("%s %s: accepted answer %q is not right", z.ID, q.ID, acc)
					}
				}
			default:
				if !q.Check(choices(k.Correct...)) || q.Validate(choices(k.Correct...)) != nil {
					t.Errorf("%s %s: key %v is not right", z.ID, q.ID, k.Correct)
				}
			}
		}
	}
}
