package quiz

import (
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark/parser"
	"go.abhg.dev/goldmark/frontmatter"
	"gopkg.in/yaml.v3"
)

// quizDefaults is what the front matter says about the quiz as a whole.
type quizDefaults struct {
	title, description string
	timeLimit          time.Duration // 0: no limit
	points             int
}

// frontMatter reads the YAML front matter that goldmark set aside. It
// decodes into a yaml.Node rather than a struct so that an error can name
// the line of the offending key, and so that "time: 30" (a YAML number)
// and "time: 30s" (a string) are read by the same rules as a question's
// "Time:" setting.
func (p *fileParser) frontMatter(ctx parser.Context) quizDefaults {
	d := quizDefaults{points: defaultPoints}
	data := frontmatter.Get(ctx)
	if data == nil {
		return d
	}
	var doc yaml.Node
	if err := data.Decode(&doc); err != nil {
		line, msg := yamlErrorLine(err.Error())
		p.errorf(line, "the front matter is not valid YAML: %s", msg)
		return d
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return d // "---" followed directly by "---"
	}
	root := doc.Content[0]
	// The YAML starts on line 2, after the opening "---".
	fileLine := func(n *yaml.Node) int { return n.Line + 1 }
	if root.Kind != yaml.MappingNode {
		p.errorf(fileLine(root), "the front matter must be a list of 'key: value' lines")
		return d
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := strings.ToLower(k.Value)
		switch key {
		case "title", "description", "time", "points":
		default:
			continue // other tools' keys (tags, author) are welcome
		}
		if prev, dup := seen[key]; dup {
			p.errorf(fileLine(k), "the front matter sets %s twice (first on line %d)", key, prev)
			continue
		}
		seen[key] = fileLine(k)
		if v.Kind != yaml.ScalarNode {
			p.errorf(fileLine(v), "the front matter's %s must be a single value", key)
			continue
		}
		val := strings.TrimSpace(v.Value)
		switch key {
		case "title":
			d.title = collapseSpace(val)
		case "description":
			d.description = strings.TrimSpace(val)
		case "time":
			t, err := parseTimeLimit(val)
			if err != nil {
				p.errorf(fileLine(v), "the front matter's time %v", err)
				continue
			}
			d.timeLimit = t
		case "points":
			n, err := parsePoints(val)
			if err != nil {
				p.errorf(fileLine(v), "the front matter's points %v", err)
				continue
			}
			d.points = n
		}
	}
	return d
}

// yamlErrorLine pulls the line out of a yaml.v3 message such as
// "yaml: line 3: could not find expected ':'" and turns it into a line of
// the quiz file. yaml.v3 has no typed error for syntax problems.
func yamlErrorLine(msg string) (int, string) {
	rest, ok := strings.CutPrefix(msg, "yaml: line ")
	if !ok {
		return 1, strings.TrimPrefix(msg, "yaml: ")
	}
	num, text, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return 1, strings.TrimPrefix(msg, "yaml: ")
	}
	return n + 1, strings.TrimSpace(text)
}
