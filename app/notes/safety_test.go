package notes

import (
	"strings"
	"testing"
)

func TestXSSNeutralised(t *testing.T) {
	tests := []struct {
		name, src string
		keep      string // text that must survive
	}{
		{"javascript link", "[click](javascript:alert(1))", "click"},
		{"upper-case scheme", "[click](JAVASCRIPT:alert(1))", "click"},
		{"mixed case", "[click](JaVaScRiPt:alert(1))", "click"},
		{"vbscript", "[click](vbscript:msgbox(1))", "click"},
		{"data html", "[click](data:text/html,<script>alert(1)</script>)", "click"},
		{"data html base64", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "click"},
		{"entity-encoded scheme", "[click](&#106;avascript:alert(1))", "click"},
		{"named entity colon", "[click](javascript&colon;alert(1))", "click"},
		{"escaped colon", `[click](javascript\:alert(1))`, "click"},
		{"tab inside scheme", "[click](<java\tscript:alert(1)>)", "click"},
		{"leading control char", "[click](\x01javascript:alert(1))", "click"},
		{"leading space", "[click]( javascript:alert(1))", "click"},
		{"reference link", "[click][a]\n\n[a]: javascript:alert(1)", "click"},
		{"image", "![alt text](javascript:alert(1))", "alt text"},
		{"svg data image", "![pic](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", "pic"},
		{"script block", "<script>alert(1)</script>", ""},
		{"inline script", "before <script>alert(1)</script> after", "after"},
		{"img onerror", "<img src=x onerror=alert(1)>", ""},
		{"inline img onerror", "text <img src=x onerror=alert(1)> more", "more"},
		{"event handler in table", "| a |\n|---|\n| <b onclick=alert(1)>x</b> |", "x"},
		{"iframe", "<iframe src=\"javascript:alert(1)\"></iframe>", ""},
		{"style attribute", "<p style=\"color:red\">red</p>", ""},
		{"quote breaking autolink", "<http://x.com/\"onmouseover=\"alert(1)>", ""},
		{"quote breaking title", "[x](http://a.com \"t\\\" onmouseover=alert(1)\")", "x"},
		{"code fence info", "```\"><script>alert(1)</script>\ncode\n```", "code"},
		{"highlight attributes", "```go {style=x onload=alert(1) linenos=true hl_lines=[1]}\nx := 1\n```", "x"},
		{"linkify", "see www.example.com/<script>alert(1)</script>", "see"},
		{"html comment", "<!-- <script>alert(1)</script> -->", ""},
		{"svg", "<svg onload=alert(1)>", ""},
		{"in a question", "### Why <script>alert(1)</script>?\n\n[a](javascript:alert(1))", "a"},
		{"in vocabulary", "## Vocabulary\n\n**XSS:** [bad](javascript:alert(1)) <img src=x onerror=alert(1)>", "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := parseOK(t, tt.src+"\n")
			assertSafe(t, "HTML", string(n.HTML))
			for _, q := range n.QA {
				assertSafe(t, "AnswerHTML", string(q.AnswerHTML))
			}
			for _, v := range n.Vocabulary {
				assertSafe(t, "DefinitionHTML", string(v.DefinitionHTML))
			}
			low := strings.ToLower(string(n.HTML))
			for _, bad := range []string{"<script", "onerror", "onload=", "onclick", "onmouseover=\"", "javascript:", "vbscript:", "data:text", "style="} {
				if strings.Contains(low, bad) {
					t.Errorf("HTML contains %q:\n%s", bad, n.HTML)
				}
			}
			if !strings.Contains(string(n.HTML), tt.keep) {
				t.Errorf("HTML lost the text %q:\n%s", tt.keep, n.HTML)
			}
		})
	}
}

// An autolink shows its URL as its text, so a removed one stays readable
// as plain text: no element, no attribute, nothing a browser would follow.
func TestAutolinkBecomesText(t *testing.T) {
	for _, src := range []string{"<javascript:alert(1)>", "<JAVASCRIPT:alert(1)>", "<vbscript:x>", "<data:text/html,x>"} {
		n := parseOK(t, src+"\n")
		want := "<p>" + src[1:len(src)-1] + "</p>\n"
		if string(n.HTML) != want {
			t.Errorf("%s: HTML = %q, want %q", src, n.HTML, want)
		}
		assertSafeMarkup(t, src, string(n.HTML))
		if len(n.Problems) != 1 {
			t.Errorf("%s: problems = %q, want one", src, n.Problems)
		}
	}
}

func TestSafeLinksKept(t *testing.T) {
	n := parseOK(t, "[web](https://example.com/a?b=c#d) [mail](mailto:a@example.com) [rel](../notes/notes-13#tcp) [frag](#why) [tel](tel:+441234) ![png](data:image/png;base64,iVBORw0KGgo=) http://example.org\n")
	for _, want := range []string{
		`href="https://example.com/a?b=c#d"`, `href="mailto:a@example.com"`, `href="../notes/notes-13#tcp"`,
		`href="#why"`, `href="tel:+441234"`, `src="data:image/png;base64,iVBORw0KGgo="`, `href="http://example.org"`,
	} {
		if !strings.Contains(string(n.HTML), want) {
			t.Errorf("HTML lacks %s:\n%s", want, n.HTML)
		}
	}
	if len(n.Problems) != 0 {
		t.Errorf("problems for safe links: %q", n.Problems)
	}
}

func TestRemovedLinkIsReported(t *testing.T) {
	n := parseOK(t, "# T\n\nFine.\n\n[x](javascript:alert(1))\n")
	if len(n.Problems) != 1 || !strings.HasPrefix(n.Problems[0], "line 5: link to \"javascript:alert(1)\" removed") {
		t.Errorf("problems = %q", n.Problems)
	}
}

func TestNoInlineStyles(t *testing.T) {
	n := parseOK(t, "| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n```go {linenos=table hl_lines=[1]}\nfunc main() {}\n```\n\n```python\nprint('x')\n```\n")
	h := string(n.HTML)
	if strings.Contains(h, "style=") {
		t.Errorf("inline style in output:\n%s", h)
	}
	for _, want := range []string{`<th align="left">`, `<td align="center">`, `<td align="right">`, `class="chroma"`, `<span class="nf">main</span>`, `<span class="nb">print</span>`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s:\n%s", want, h)
		}
	}
}

// The corner of a comparison table names no column: it is a data cell,
// so that a screen reader announces no empty header; the other headers
// stay headers, with their alignment.
func TestEmptyHeaderCellIsNotAHeader(t *testing.T) {
	n := parseOK(t, "# T\n\n| | TCP | UDP |\n|:-:|--|--:|\n| Order | kept | not kept |\n")
	h := string(n.HTML)
	for _, want := range []string{"<thead>\n<tr>\n<td align=\"center\"></td>\n<th>TCP</th>\n<th align=\"right\">UDP</th>", `<td align="center">Order</td>`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<th></th>") || strings.Contains(h, `<th align="center"></th>`) {
		t.Errorf("an empty header cell is still a <th>:\n%s", h)
	}
}
