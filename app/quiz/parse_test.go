package quiz

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// mustParse parses src as quizzes/test.md and fails the test on any error.
func mustParse(t *testing.T, src string) *Quiz {
	t.Helper()
	z, err := Parse("quizzes/test.md", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return z
}

// parseErrs parses src and returns its errors as "line: message" strings.
func parseErrs(t *testing.T, path string, src []byte) []*ParseError {
	t.Helper()
	z, err := Parse(path, src)
	if err == nil {
		t.Fatalf("Parse(%s) succeeded, want errors", path)
	}
	if z != nil {
		t.Errorf("Parse(%s) returned a quiz along with errors", path)
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse(%s) error %T is not an ErrorList", path, err)
	}
	return list
}

func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/quizzes/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example quizzes: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			z, err := Parse("quizzes/"+filepath.Base(file), src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			// Unescaped HTML keeps the golden file readable in a diff.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(z); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "golden", z.ID+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("parsed %s differs from %s (run go test -update if the change is intended)\ngot:\n%s", file, golden, got)
			}
		})
	}
}

// TestParseExample pins the example of the package documentation field by
// field, so a reader need not trust a golden file.
func TestParseExample(t *testing.T) {
	src, err := os.ReadFile("testdata/quizzes/websockets.md")
	if err != nil {
		t.Fatal(err)
	}
	z, err := Parse("quizzes/websockets.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if z.ID != "websockets" || z.Title != "WebSockets in practice" || z.Source != "quizzes/websockets.md" || z.Generated {
		t.Errorf("quiz = %q %q %q %v", z.ID, z.Title, z.Source, z.Generated)
	}
	if want := "Ten quick questions on the upgrade handshake and events."; z.Description != want {
		t.Errorf("Description = %q, want %q", z.Description, want)
	}
	type row struct {
		id      string
		kind    Kind
		line    int
		correct string // choice IDs, or accepted answers, joined by ","
		time    time.Duration
		points  int
	}
	want := []row{
		{"q1", Single, 13, "b", 30 * time.Second, 100},
		{"q2", Multiple, 21, "a,b", 45 * time.Second, 200},
		{"q3", TrueFalse, 31, "false", 30 * time.Second, 100},
		{"q4", Poll, 38, "", 30 * time.Second, 0},
		{"q5", Text, 45, "32", 30 * time.Second, 100},
		{"q6", Text, 50, "10.0.0.0/8", 30 * time.Second, 100},
		{"q7", Single, 57, "b", 30 * time.Second, 100},
		{"q8", Text, 73, "::1,0:0:0:0:0:0:0:1", 20 * time.Second, 100},
		{"q9", Text, 79, "TCP,Transmission Control Protocol", 30 * time.Second, 100},
	}
	if len(z.Questions) != len(want) {
		t.Fatalf("got %d questions, want %d", len(z.Questions), len(want))
	}
	for i, w := range want {
		q := &z.Questions[i]
		k := q.Key()
		got := row{q.ID, q.Kind, q.Line, strings.Join(append(k.Correct, k.Accepted...), ","), q.TimeLimit, q.Points}
		if got != w {
			t.Errorf("question %d = %+v, want %+v", i+1, got, w)
		}
	}
	if got := z.Questions[2].Choices[0].ID; got != "true" {
		t.Errorf("true/false choice ID = %q, want true", got)
	}
	if got, want := z.Questions[6].Prompt, "What does this server send back?"; got != want {
		t.Errorf("q7 Prompt = %q, want %q", got, want)
	}
	for _, s := range []string{"<h3>The request</h3>", `<code class="language-http">GET /chat`, "<em>status line</em>"} {
		if !strings.Contains(string(z.Questions[6].PromptHTML), s) {
			t.Errorf("q7 PromptHTML lacks %q:\n%s", s, z.Questions[6].PromptHTML)
		}
	}
	if got, want := z.Questions[8].Prompt, "Which protocol does ws:// run on? (one word)"; got != want {
		t.Errorf("q9 Prompt = %q, want %q", got, want)
	}
	if got := z.Questions[0].ExplanationHTML; !strings.Contains(string(got), "<code>Upgrade: websocket</code>") {
		t.Errorf("q1 ExplanationHTML = %q", got)
	}
}

func TestParseKinds(t *testing.T) {
	tests := []struct {
		name    string
		body    string // one question, under "## Q?"
		kind    Kind
		ids     string // choice IDs joined by ","
		correct string // correct choice IDs, or accepted answers, joined by ","
		match   Match
	}{
		{"single inferred", "- [ ] a\n- [x] b\n", Single, "a,b", "b", ""},
		{"capital X", "- [X] a\n- [ ] b\n", Single, "a,b", "a", ""},
		{"multiple inferred", "- [x] a\n- [x] b\n- [ ] c\n", Multiple, "a,b,c", "a,b", ""},
		{"multiple declared with one mark", "Type: multiple\n\n- [x] a\n- [ ] b\n", Multiple, "a,b", "a", ""},
		{"true/false inferred", "- [x] True\n- [ ] False\n", TrueFalse, "true,false", "true", ""},
		{"true/false any case and order", "- [ ] FALSE\n- [x] true\n", TrueFalse, "false,true", "true", ""},
		{"true/false declared", "Type: True/False\n\n- [ ] True\n- [x] False\n", TrueFalse, "true,false", "false", ""},
		{"true/false forced single", "Type: single\n\n- [ ] True\n- [x] False\n", Single, "a,b", "b", ""},
		{"poll", "Type: poll\n\n- [ ] a\n- [ ] b\n", Poll, "a,b", "", ""},
		{"poll of true and false", "type: POLL\n\n- [ ] True\n- [ ] False\n", Poll, "a,b", "", ""},
		{"ordered task list", "1. [ ] a\n2. [x] b\n", Single, "a,b", "b", ""},
		{"loose task list", "- [ ] a\n\n- [x] b\n", Single, "a,b", "b", ""},
		{"settings right before the list", "Type: multiple\n- [x] a\n- [x] b\n", Multiple, "a,b", "a,b", ""},
		{"text default match", "Answer: TCP\n", Text, "", "TCP", MatchText},
		{"text declared", "Type: text\nAnswer: TCP\n", Text, "", "TCP", MatchText},
		{"answer repeated", "Answer: a\nAnswer: b\n", Text, "", "a,b", MatchText},
		{"answers split", "Answers: a | b |c\n", Text, "", "a,b,c", MatchText},
		{"backticks dropped", "Answer: `10.0.0.0/8`\nMatch: CIDR\n", Text, "", "10.0.0.0/8", MatchCIDR},
		{"match number", "Answer: 1e3\nMatch: number\n", Text, "", "1e3", MatchNumber},
		{"match ip", "Answer: fe80::1\nmatch: ip\n", Text, "", "fe80::1", MatchIP},
		{"answer with colons", "Answer: 2001:db8::1\nMatch: ip\n", Text, "", "2001:db8::1", MatchIP},
		{"settings after the list", "- [x] a\n- [ ] b\n\nPoints: 5\n", Single, "a,b", "a", ""},
		{"thematic break and comment ignored", "- [x] a\n- [ ] b\n\n<!-- note to self -->\n\n---\n", Single, "a,b", "a", ""},
		{"explanation after the list", "- [x] a\n- [ ] b\n\n> because\n", Single, "a,b", "a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := mustParse(t, "## Q?\n\n"+tt.body)
			q := &z.Questions[0]
			var ids []string
			for _, c := range q.Choices {
				ids = append(ids, c.ID)
			}
			k := q.Key()
			got := []string{string(q.Kind), strings.Join(ids, ","), strings.Join(append(k.Correct, k.Accepted...), ","), string(q.Match)}
			want := []string{string(tt.kind), tt.ids, tt.correct, string(tt.match)}
			if strings.Join(got, " | ") != strings.Join(want, " | ") {
				t.Errorf("kind, ids, key, match = %q, want %q", got, want)
			}
		})
	}
}

func TestParseSettings(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		time   time.Duration
		points int
	}{
		{"defaults", "## Q\n\n- [x] a\n- [ ] b\n", 0, 100},
		{"front matter duration", "---\ntime: 1m30s\npoints: 10\n---\n## Q\n\n- [x] a\n- [ ] b\n", 90 * time.Second, 10},
		{"front matter seconds", "---\ntime: 30\n---\n## Q\n\n- [x] a\n- [ ] b\n", 30 * time.Second, 100},
		{"front matter keys in any case", "---\nTime: 20s\nPOINTS: 0\n---\n## Q\n\n- [x] a\n- [ ] b\n", 20 * time.Second, 0},
		{"question overrides", "---\ntime: 30\npoints: 10\n---\n## Q\n\nTime: 45\nPoints: 250\n\n- [x] a\n- [ ] b\n", 45 * time.Second, 250},
		{"question duration", "## Q\n\nTIME: 1m\n\n- [x] a\n- [ ] b\n", time.Minute, 100},
		{"bounds", "## Q\n\nTime: 1h\nPoints: 100000\n\n- [x] a\n- [ ] b\n", time.Hour, 100000},
		{"lowest", "## Q\n\nTime: 1s\nPoints: 0\n\n- [x] a\n- [ ] b\n", time.Second, 0},
		{"poll scores nothing", "---\npoints: 10\n---\n## Q\n\nType: poll\n\n- [ ] a\n- [ ] b\n", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := mustParse(t, tt.src).Questions[0]
			if q.TimeLimit != tt.time || q.Points != tt.points {
				t.Errorf("time, points = %v, %d; want %v, %d", q.TimeLimit, q.Points, tt.time, tt.points)
			}
		})
	}
}

func TestParseTitleAndDescription(t *testing.T) {
	const q = "\n## Q\n\n- [x] a\n- [ ] b\n"
	tests := []struct {
		name, path, src  string
		id, title, descr string
	}{
		{"front matter wins", "quizzes/x.md", "---\ntitle: FM\ndescription: About FM\n---\n# H1\n\nIntro." + q, "x", "FM", "About FM"},
		{"h1 and intro", "quizzes/x.md", "# The *H1*\n\nFirst para.\n\nSecond\npara." + q, "x", "The H1", "First para.\n\nSecond para."},
		{"file name", "quizzes/My Quiz.md", q, "my-quiz", "My Quiz", ""},
		{"upper-case extension", "quizzes/Net.MD", q, "net", "Net", ""},
		{"front matter without title", "a.md", "---\ndescription: D\nauthor: someone\n---\n# T" + q, "a", "T", "D"},
		{"empty front matter", "a.md", "---\n---\n# T" + q, "a", "T", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, err := Parse(tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if z.ID != tt.id || z.Title != tt.title || z.Description != tt.descr {
				t.Errorf("id, title, description = %q, %q, %q; want %q, %q, %q", z.ID, z.Title, z.Description, tt.id, tt.title, tt.descr)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	type want struct {
		line int
		msg  string // a part of the message
	}
	tests := []struct {
		file string
		want []want
	}{
		{"marks.md", []want{
			{5, `question "Which port does HTTPS use?" has no correct choice marked with [x]; add 'Type: poll' if the question has no right answer`},
			{12, "is Type: single but marks 2 choices"},
			{19, "is a poll but marks 1 choice(s)"},
			{24, "has 1 choice(s); a choice question needs at least 2"},
			{29, `offers the choice "tcp" twice (first on line 28)`},
		}},
		{"settings.md", []want{
			{3, `the front matter's time "forever" is not a duration`},
			{4, `the front matter's points "-1" is outside 0 to 100000`},
			{9, `has a bad Time: "2h" is outside 1s to 1h`},
			{10, `has bad Points: "100001" is outside 0 to 100000`},
			{17, `has a bad Type: "essay"`},
			{18, `has a bad Match: "regex"`},
			{25, "sets Type twice (first on line 24)"},
			{33, "is a poll, which awards no points"},
		}},
		{"text.md", []want{
			{3, `accepted answer "thirty-two", which does not fit Match: number`},
			{8, `accepted answer "localhost", which does not fit Match: ip`},
			{13, "255.0.255.0 is not a contiguous netmask"},
			{18, "has both a choice list and an Answer: line"},
			{23, "has no choices and no Answer: line"},
			{29, "has a Match: line, which only applies"},
			{36, "is Type: multiple but has no choice list"},
			{41, "has an empty Answers: value"},
		}},
		{"structure.md", []want{
			{8, `question "First" has text after its choice list`},
			{10, "a quiz has one '# ' title heading"},
			{15, "has a list item without a [ ] or [x] box"},
			{22, "has a second choice list"},
			{26, "has a choice that spans several paragraphs"},
			{31, "question 5 has an empty heading"},
			{38, "its choices must be exactly True and False"},
			{45, "marks both True and False"},
			{51, "has an empty choice"},
		}},
		{"unclosed.md", []want{{1, "never closed"}}},
		{"yaml.md", []want{{3, "the front matter is not valid YAML: mapping values are not allowed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "quizzes/" + tt.file
			src, err := os.ReadFile(filepath.Join("testdata", "bad", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := parseErrs(t, path, src)
			if len(got) != len(tt.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(got), len(tt.want), ErrorList(got))
			}
			for i := 0; i < len(got) && i < len(tt.want); i++ {
				g, w := got[i], tt.want[i]
				if g.Path != path || g.Line != w.line || !strings.Contains(g.Msg, w.msg) {
					t.Errorf("error %d = %v\nwant %s:%d: …%s…", i, g, path, w.line, w.msg)
				}
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	big := append([]byte("## Q\n\n- [x] a\n- [ ] b\n\n"), bytes.Repeat([]byte("x"), MaxFileSize)...)
	tests := []struct {
		name string
		src  []byte
		line int
		msg  string
	}{
		{"empty", nil, 0, "has no questions"},
		{"only a title", []byte("# Title\n\nSome intro.\n"), 0, "has no questions"},
		{"only a bom", []byte("\xef\xbb\xbf"), 0, "has no questions"},
		{"too big", big, 0, "at most 1048576 (1 MiB)"},
		{"not utf-8", []byte("## Q\n\n- [x] a\xff\n- [ ] b\n"), 3, "not UTF-8"},
		{"block too long", []byte("## Q\n\nAnswer: x\n\n" + strings.Repeat("word ", 2000)), 5, "10000 bytes long; split it with blank lines"},
		{"list too long", []byte("## Q\n\n" + strings.Repeat("- [ ] choice\n", 1000)), 3, "split it with blank lines"},
		{"quotes too deep", []byte("## Q\n\nAnswer: x\n\n> > >>>>>> > deep\n"), 5, "nested 9 deep"},
		{"front matter not a mapping", []byte("---\n- a\n- b\n---\n## Q\n- [x] a\n- [ ] b\n"), 2, "must be a list of 'key: value' lines"},
		{"front matter title is a list", []byte("---\ntitle: [a, b]\n---\n## Q\n- [x] a\n- [ ] b\n"), 2, "title must be a single value"},
		{"front matter key twice", []byte("---\ntime: 3\nTime: 4\n---\n## Q\n- [x] a\n- [ ] b\n"), 3, "sets time twice (first on line 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrs(t, "q.md", tt.src)
			if len(got) != 1 || got[0].Line != tt.line || !strings.Contains(got[0].Msg, tt.msg) {
				t.Errorf("errors = %v, want one on line %d containing %q", ErrorList(got), tt.line, tt.msg)
			}
		})
	}
}

func TestParseErrorFormat(t *testing.T) {
	tests := []struct {
		err  *ParseError
		want string
	}{
		{&ParseError{Path: "quizzes/x.md", Line: 12, Msg: `question "Q" has no choices`}, `quizzes/x.md:12: question "Q" has no choices`},
		{&ParseError{Path: "quizzes/x.md", Msg: "the quiz has no questions"}, "quizzes/x.md: the quiz has no questions"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	list := ErrorList{tests[0].err, tests[1].err}
	if got, want := list.Error(), tests[0].want+"\n"+tests[1].want; got != want {
		t.Errorf("ErrorList.Error() = %q, want %q", got, want)
	}
	var pe *ParseError
	if !errors.As(error(list), &pe) || pe != tests[0].err {
		t.Errorf("errors.As(list, *ParseError) = %v, want the first error", pe)
	}
}

func TestParseTooManyErrors(t *testing.T) {
	src := strings.Repeat("## Q\n\n- [ ] a\n- [ ] b\n\n", maxErrors+10)
	got := parseErrs(t, "q.md", []byte(src))
	if len(got) != maxErrors+1 || !strings.Contains(got[maxErrors].Msg, "too many errors") {
		t.Errorf("got %d errors, last %v; want %d and a final 'too many errors'", len(got), got[len(got)-1], maxErrors+1)
	}
}

// TestParseLineEnds checks that a BOM, CRLF and lone CR line ends change
// neither the result nor the reported lines.
func TestParseLineEnds(t *testing.T) {
	const good = "---\ntitle: T 🙂\n---\n## Which emoji? 🚀\n\nAnswer: 🚀\n\n## Q2\n\n- [x] a\n- [ ] b\n"
	const bad = "# T\n\n## Q1\n\n- [ ] a\n- [ ] b\n"
	variants := map[string]func(string) string{
		"lf":   func(s string) string { return s },
		"bom":  func(s string) string { return "\xef\xbb\xbf" + s },
		"crlf": func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") },
		"cr":   func(s string) string { return strings.ReplaceAll(s, "\n", "\r") },
		"bom+crlf": func(s string) string {
			return "\xef\xbb\xbf" + strings.ReplaceAll(s, "\n", "\r\n")
		},
	}
	want := mustParse(t, good)
	for name, f := range variants {
		t.Run(name, func(t *testing.T) {
			got := mustParse(t, f(good))
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(want)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("got  %s\nwant %s", gotJSON, wantJSON)
			}
			errs := parseErrs(t, "q.md", []byte(f(bad)))
			if len(errs) != 1 || errs[0].Line != 5 {
				t.Errorf("errors = %v, want one on line 5", ErrorList(errs))
			}
		})
	}
	if q := want.Questions[0]; q.Prompt != "Which emoji? 🚀" || !q.Check(Answer{Text: " 🚀 "}) {
		t.Errorf("emoji question = %+v", q)
	}
}

// TestParseNoRawHTML checks that nothing an author (or a student who
// wrote a quiz) types can run script in a browser.
func TestParseNoRawHTML(t *testing.T) {
	src := "## Click <script>alert(1)</script> [here](javascript:alert(2))\n\n" +
		"<script>alert(3)</script>\n\n" +
		"<img src=x onerror=alert(4)>\n\n" +
		"Some <b onmouseover=alert(5)>bold</b> and ![pic](javascript:alert(6)) and <javascript:alert(7)>\n\n" +
		"- [x] <img src=x onerror=alert(8)>ok\n" +
		"- [ ] [link](JAVASCRIPT:alert(9))\n\n" +
		"> <script>alert(10)</script> [why](vbscript:msgbox)\n"
	z := mustParse(t, src)
	q := z.Questions[0]
	html := string(q.PromptHTML) + string(q.ExplanationHTML)
	for _, c := range q.Choices {
		html += string(c.HTML)
	}
	// The text "javascript:alert(7)" may show, as text; no URL may carry it.
	for _, bad := range []string{"<script", "onerror", "onmouseover", `href="javascript`, `src="javascript`, `href="JAVASCRIPT`, "vbscript:", "<img src=x", "<b "} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, html)
		}
	}
	// Tags vanish from the plain text; what was between them is text.
	if want := "Click alert(1) here"; q.Prompt != want {
		t.Errorf("Prompt = %q, want %q", q.Prompt, want)
	}
}

func TestIDFromPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"quizzes/websockets.md", "websockets"},
		{"quizzes/OSI Layers.md", "osi-layers"},
		{"a/b/Two  Spaces.MD", "two--spaces"},
		{`quizzes\win.md`, "win"},
		{"noext", "noext"},
	}
	for _, tt := range tests {
		if got := IDFromPath(tt.path); got != tt.want {
			t.Errorf("IDFromPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestParseDoesNotChangeInput guards the normalisation, which must copy.
func TestParseDoesNotChangeInput(t *testing.T) {
	src := []byte("\xef\xbb\xbf## Q\r\n\r\n- [x] a\r\n- [ ] b\r\n")
	before := bytes.Clone(src)
	mustParse(t, string(src))
	if _, err := Parse("q.md", src); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, before) {
		t.Error("Parse changed its input")
	}
}
