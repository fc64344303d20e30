package quiz

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"html/template"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// VocabNote is the vocabulary of one note, as the notes package extracts it.
type VocabNote struct {
	Slug  string
	Title string
	Terms []VocabTerm
}

// VocabTerm is one term and its plain-text definition.
type VocabTerm struct {
	Term       string
	Definition string
}

// Vocabulary quizzes need enough terms that three wrong options exist.
const (
	minVocabTerms = 4
	distractors   = 3
)

// blank replaces a term inside its own definition.
const blank = "____"

// Generate builds multiple-choice vocabulary quizzes: one per note with at
// least 4 distinct terms (ID "vocab-<slug>") and one over every note's terms
// merged (ID "vocab-all"). Each term gets two Single questions: pick the
// term for a definition, and pick the definition of a term.
//
// Definitions often name their term ("A socket is one endpoint..."), which
// would give the answer away, so wherever a definition is shown as a prompt
// or an option, its own term is replaced by a blank; the explanation shows
// it whole. A term whose definition is nothing but the term is left out.
//
// The result depends only on the notes' content, not on their order or on
// the run: notes are taken by slug, and each question's random choices come
// from a generator seeded with a hash of the quiz ID and the term. Terms are
// compared case-insensitively; a term defined twice keeps its first
// definition. Definitions are plain text, so they are escaped, never
// rendered as Markdown.
func Generate(notes []VocabNote) []*Quiz {
	notes = slices.Clone(notes)
	slices.SortStableFunc(notes, func(a, b VocabNote) int { return cmp.Compare(a.Slug, b.Slug) })

	var out []*Quiz
	var all []VocabTerm
	for _, n := range notes {
		title := cmp.Or(strings.TrimSpace(n.Title), n.Slug)
		if n.Slug != "" {
			z := vocabQuiz("vocab-"+n.Slug, "Vocabulary: "+title, "generated from "+title,
				fmt.Sprintf("Match the terms of %s with their definitions.", title), n.Terms)
			if z != nil {
				out = append(out, z)
			}
		}
		all = append(all, n.Terms...)
	}
	z := vocabQuiz("vocab-all", "Vocabulary: all notes", "generated from all notes",
		"Match the terms of every note with their definitions.", all)
	if z != nil {
		out = append(out, z)
	}
	return out
}

// poolTerm is a term ready for questions.
type poolTerm struct {
	term, definition string
	shown            string // the definition with the term blanked out
}

// vocabPool drops blank entries, repeated terms (keeping the first) and
// terms whose definition says nothing once the term is blanked out.
func vocabPool(terms []VocabTerm) []poolTerm {
	var out []poolTerm
	seen := map[string]bool{}
	for _, t := range terms {
		p := poolTerm{term: collapseSpace(t.Term), definition: collapseSpace(t.Definition)}
		if p.term == "" || p.definition == "" || seen[fold(p.term)] {
			continue
		}
		seen[fold(p.term)] = true
		p.shown = blankOut(p.definition, p.term)
		if !strings.ContainsFunc(strings.ReplaceAll(p.shown, blank, ""), func(r rune) bool {
			return unicode.IsLetter(r) || unicode.IsDigit(r)
		}) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// blankOut replaces every whole-word occurrence of term in definition, in
// any case, and with or without the spaces or hyphens between its words
// ("Web Socket" also matches "WebSocket").
func blankOut(definition, term string) string {
	words := strings.FieldsFunc(term, func(r rune) bool { return unicode.IsSpace(r) || r == '-' })
	if len(words) == 0 {
		return definition
	}
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	pattern := `(?i)` + strings.Join(words, `[\s-]*`)
	// \b only means something next to an ASCII word character: "C++"
	// ends in a symbol, and Go's \b does not know "é" is a letter.
	if isASCIIWord(term[0]) {
		pattern = `\b` + pattern
	}
	if isASCIIWord(term[len(term)-1]) {
		pattern += `\b`
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return definition // cannot happen: every piece is quoted
	}
	return re.ReplaceAllLiteralString(definition, blank)
}

func isASCIIWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// fold is the form in which two options count as the same.
func fold(s string) string {
	return strings.ToLower(collapseSpace(s))
}

// vocabQuiz builds the questions for one note's terms, or nil if there are
// too few terms or no term has a usable distractor.
func vocabQuiz(id, title, source, description string, terms []VocabTerm) *Quiz {
	pool := vocabPool(terms)
	if len(pool) < minVocabTerms {
		return nil
	}
	z := &Quiz{ID: id, Title: title, Description: description, Source: source, Generated: true}
	add := func(prompt string, promptHTML template.HTML, answer string, options []string, explanation template.HTML) {
		if len(options) == 0 {
			return // every other option would repeat the answer
		}
		q := Question{
			ID:              fmt.Sprintf("q%d", len(z.Questions)+1),
			Kind:            Single,
			Prompt:          prompt,
			PromptHTML:      promptHTML,
			ExplanationHTML: explanation,
			Points:          defaultPoints,
		}
		for i, o := range options {
			q.Choices = append(q.Choices, Choice{
				ID:      string(rune('a' + i)),
				Text:    o,
				HTML:    template.HTML(template.HTMLEscapeString(o)),
				Correct: o == answer,
			})
		}
		z.Questions = append(z.Questions, q)
	}
	esc := template.HTMLEscapeString
	for i, t := range pool {
		explanation := template.HTML("<p><strong>" + esc(t.term) + "</strong>: " + esc(t.definition) + "</p>\n")

		rng := seededRand(id, "definition→term", t.term)
		add("Which term matches this definition? "+t.shown,
			template.HTML("<p>Which term matches this definition?</p>\n<blockquote>\n<p>"+esc(t.shown)+"</p>\n</blockquote>\n"),
			t.term, options(rng, pool, i, func(p poolTerm) string { return p.term }), explanation)

		rng = seededRand(id, "term→definition", t.term)
		add("What does "+t.term+" mean?",
			template.HTML("<p>What does <strong>"+esc(t.term)+"</strong> mean?</p>\n"),
			t.shown, options(rng, pool, i, func(p poolTerm) string { return p.shown }), explanation)
	}
	if len(z.Questions) == 0 {
		return nil
	}
	return z
}

// options returns up to three distractors and the answer (pool[answer]
// shown through show), in a random order, or nil if there is no
// distractor. A candidate is skipped when its term or its definition (as
// written or as shown) equals that of the answer or of a distractor already
// picked: equal to the answer's, it would be a second right answer; equal
// to another distractor's, the pair would give itself away as "both wrong".
func options(rng *rand.Rand, pool []poolTerm, answer int, show func(poolTerm) string) []string {
	taken := map[string]bool{}
	keys := func(p poolTerm) []string {
		return []string{"t:" + fold(p.term), "d:" + fold(p.definition), "d:" + fold(p.shown)}
	}
	for _, k := range keys(pool[answer]) {
		taken[k] = true
	}
	var picked []string
	for _, j := range rng.Perm(len(pool)) {
		if len(picked) == distractors {
			break
		}
		ks := keys(pool[j])
		if slices.ContainsFunc(ks, func(k string) bool { return taken[k] }) {
			continue
		}
		for _, k := range ks {
			taken[k] = true
		}
		picked = append(picked, show(pool[j]))
	}
	if len(picked) == 0 {
		return nil
	}
	pos := rng.IntN(len(picked) + 1)
	return slices.Insert(picked, pos, show(pool[answer]))
}

// seededRand returns a generator that depends only on its parts, so that a
// question comes out the same on every run and every server.
func seededRand(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0}) // keeps ("ab","c") apart from ("a","bc")
	}
	sum := h.Sum64()
	// PCG takes two words; the second is derived so that one hash suffices.
	return rand.New(rand.NewPCG(sum, sum^0x9e3779b97f4a7c15))
}
