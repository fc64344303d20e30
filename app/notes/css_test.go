package notes

import (
	"regexp"
	"strings"
	"testing"
)

// scopeRules prefixes line by line, which is exact only while chroma writes
// one rule with one selector per line. This test notices if that changes.
func TestChromaCSSRuleShape(t *testing.T) {
	rule := regexp.MustCompile(`^\.[^{},]+ \{ [^{}]* \}$`)
	for name, css := range map[string]string{"light": LightCSS(), "dark": DarkCSS()} {
		lines := strings.Split(strings.TrimSpace(css), "\n")
		if len(lines) < 20 {
			t.Errorf("%s: only %d rules", name, len(lines))
		}
		for _, l := range lines {
			if !rule.MatchString(l) {
				t.Errorf("%s: rule not in the expected shape: %q", name, l)
			}
		}
	}
}

func TestChromaCSSScoped(t *testing.T) {
	css := ChromaCSS()
	for _, want := range []string{
		`[data-theme="light"] .chroma .k {`,
		"@media not all and (prefers-color-scheme: dark) {\n  :root:not([data-theme=\"dark\"]) .bg {",
		`  :root:not([data-theme="dark"]) .chroma .k {`,
		`[data-theme="dark"] .chroma .k {`,
		"@media (prefers-color-scheme: dark) {\n  :root:not([data-theme=\"light\"]) .bg {",
		`  :root:not([data-theme="light"]) .chroma .k {`,
	} {
		if !strings.Contains(css, want) {
			t.Errorf("ChromaCSS lacks %q", want)
		}
	}
	// Every rule is scoped to one theme: none applies in both.
	for _, l := range strings.Split(css, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, ".") {
			t.Errorf("unscoped rule: %q", l)
		}
	}
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Errorf("unbalanced braces")
	}
}
