package notes

import (
	"strings"
	"testing"
)

func TestHostileShapes(t *testing.T) {
	deepList := func(levels int) string {
		var b strings.Builder
		for i := 0; i < levels; i++ {
			b.WriteString(strings.Repeat("  ", i) + "- level\n")
		}
		return b.String()
	}
	tests := []struct {
		name string
		src  string
		want string // in Err; "" when the note must load
	}{
		{"quotes nested 32 deep load", strings.Repeat("> ", 32) + "x\n", ""},
		{"quotes nested 33 deep", strings.Repeat("> ", 33) + "x\n", "nested 33 levels"},
		{"mixed markers", strings.Repeat("> - 1. ", 12) + "x\n", "levels deep"},
		{"list nested 30 deep by indentation loads", deepList(30), ""},
		{"list nested 40 deep by indentation", deepList(40), "levels deep"},
		{"indented text is not nesting", strings.Repeat(" ", 5000) + "x\n", ""},
		{"block of 2000 lines loads", strings.Repeat("line\n", 2000), ""},
		{"block of 2001 lines", strings.Repeat("[a](b\n", 2001), "more than 2000 lines"},
		{"many short blocks load", strings.Repeat(strings.Repeat("[a](b\n", 1000)+"\n", 50), ""},
		{"wide and long table", strings.Repeat("|a", 400) + "|\n" + strings.Repeat("|-", 400) + "|\n" + strings.Repeat("x\n", 200), "more than 50000 cells"},
		{"tables add up", strings.Repeat("|a|b|\n|-|-|\n"+strings.Repeat("|c|d|\n", 999)+"\n", 30), "more than 50000 cells"},
		{"normal table loads", "| a | b |\n|---|---|\n" + strings.Repeat("| c | d |\n", 500), ""},
		{"front matter too big", "---\n" + strings.Repeat("k: v\n", 4000) + "---\n", "larger than 16 KiB"},
		{"YAML alias bomb", "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n", "front matter"},
		{"many YAML errors are clipped", "---\n" + strings.Repeat("a: 1\n", 500) + "---\n", "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Parse("x.md", []byte(tt.src))
			switch {
			case tt.want == "" && n.Err != nil:
				t.Errorf("unexpected error: %v", n.Err)
			case tt.want != "" && (n.Err == nil || !strings.Contains(n.Err.Error(), tt.want)):
				t.Errorf("Err = %v, want one containing %q", n.Err, tt.want)
			case n.Err != nil && strings.Count(n.Err.Error(), "\n") > 3:
				t.Errorf("error message of %d lines", strings.Count(n.Err.Error(), "\n"))
			}
		})
	}
}

func TestHighlightBudget(t *testing.T) {
	block := "```go\n" + strings.Repeat("x := 1 // some Go code to fill the block up\n", 1500) + "```\n\n"
	n := parseOK(t, block+block+block)
	if got := strings.Count(string(n.HTML), `<pre class="chroma">`); got != 1 {
		t.Errorf("%d highlighted blocks, want 1 (the rest plain)", got)
	}
	if got := strings.Count(string(n.HTML), "<pre><code>"); got != 2 {
		t.Errorf("%d plain blocks, want 2", got)
	}
}

func TestProblemsAreCapped(t *testing.T) {
	// 200 stray paragraphs and the section that yielded nothing: 201.
	n := parseOK(t, "## Vocabulary\n\n"+strings.Repeat("not an entry\n\n", 200))
	if len(n.Problems) != maxProblems+1 || !strings.Contains(n.Problems[maxProblems], "151 more") {
		t.Errorf("%d problems, last %q", len(n.Problems), n.Problems[len(n.Problems)-1])
	}
}
