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
// The questions must teach, not give themselves away. Definitions often
// name their term ("A socket is one endpoint..."): where the term is the
// answer (definition to term), it is blanked in the prompt; where the
// definitions are the options (term to definition), they are shown as
// written, and a term whose definition names it is not asked that way. A
// definition that spells out its acronym ("Domain Name System" for DNS)
// is not asked as definition to term. Distractors come from the answer's
// note first, and never one that also fits (see alsoFits). The
// explanation shows the definition whole. A term whose definition is
// nothing but the term is left out.
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
	var all []noteTerm
	for _, n := range notes {
		title := cmp.Or(strings.TrimSpace(n.Title), n.Slug)
		terms := make([]noteTerm, len(n.Terms))
		for i, t := range n.Terms {
			terms[i] = noteTerm{VocabTerm: t, note: n.Slug}
		}
		if n.Slug != "" {
			z := vocabQuiz("vocab-"+n.Slug, "Vocabulary: "+title, "generated from "+title,
				fmt.Sprintf("Match the terms of %s with their definitions.", title), terms)
			if z != nil {
				out = append(out, z)
			}
		}
		all = append(all, terms...)
	}
	z := vocabQuiz("vocab-all", "Vocabulary: all notes", "generated from all notes",
		"Match the terms of every note with their definitions.", all)
	if z != nil {
		out = append(out, z)
	}
	return out
}

// noteTerm is a term with the note it comes from, so that distractors can
// be drawn from the same note first.
type noteTerm struct {
	VocabTerm
	note string
}

// poolTerm is a term ready for questions.
type poolTerm struct {
	term, definition string
	note             string
	shown            string         // the definition with the term blanked out
	mention          *regexp.Regexp // finds the term, or its plural, as whole words
}

// vocabPool drops blank entries, repeated terms (keeping the first) and
// terms whose definition says nothing once the term is blanked out.
func vocabPool(terms []noteTerm) []poolTerm {
	var out []poolTerm
	seen := map[string]bool{}
	for _, t := range terms {
		p := poolTerm{term: collapseSpace(t.Term), definition: collapseSpace(t.Definition), note: t.note}
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
		p.mention = termPattern(p.term, `(?:e?s)?`)
		out = append(out, p)
	}
	return out
}

// blankOut replaces every whole-word occurrence of term in definition, in
// any case, and with or without the spaces or hyphens between its words
// ("Web Socket" also matches "WebSocket").
func blankOut(definition, term string) string {
	re := termPattern(term, "")
	if re == nil {
		return definition
	}
	return re.ReplaceAllLiteralString(definition, blank)
}

// termPattern matches term as whole words, in any case, with or without
// the spaces or hyphens between its words, followed by suffix (a regular
// expression). It is nil for a term with no words.
func termPattern(term, suffix string) *regexp.Regexp {
	words := strings.FieldsFunc(term, func(r rune) bool { return unicode.IsSpace(r) || r == '-' })
	if len(words) == 0 {
		return nil
	}
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	pattern := `(?i)` + strings.Join(words, `[\s-]*`) + suffix
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
		return nil // cannot happen: every piece is quoted
	}
	return re
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
func vocabQuiz(id, title, source, description string, terms []noteTerm) *Quiz {
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

		// Definition to term: the term is the answer, so it is blanked in
		// the definition; a definition that spells out the acronym it
		// defines ("Domain Name System" for DNS) is not asked at all.
		if !spellsOutAcronym(t.definition, t.term) {
			rng := seededRand(id, "definition→term", t.term)
			add("Which term matches this definition? "+t.shown,
				template.HTML("<p>Which term matches this definition?</p>\n<blockquote>\n<p>"+esc(t.shown)+"</p>\n</blockquote>\n"),
				t.term, options(rng, pool, i, func(p poolTerm) string { return p.term }), explanation)
		}

		// Term to definition: definitions are shown as written, for a
		// blank in the right one only would point at it; and a definition
		// that names its own term would answer the question, so it is not
		// asked.
		if t.shown == t.definition {
			rng := seededRand(id, "term→definition", t.term)
			add("What does "+t.term+" mean?",
				template.HTML("<p>What does <strong>"+esc(t.term)+"</strong> mean?</p>\n"),
				t.definition, options(rng, pool, i, func(p poolTerm) string { return p.definition }), explanation)
		}
	}
	if len(z.Questions) == 0 {
		return nil
	}
	return z
}

// options returns up to three distractors and the answer (pool[answer]
// shown through show), in a random order, or nil if there is no
// distractor. Distractors come from the answer's own note first, then from
// the others. A candidate is skipped when its term or its definition (as
// written or as shown) equals that of the answer or of a distractor already
// picked: equal to the answer's, it would be a second right answer; equal
// to another distractor's, the pair would give itself away as "both wrong".
// A candidate that also fits (see alsoFits) is skipped too.
func options(rng *rand.Rand, pool []poolTerm, answer int, show func(poolTerm) string) []string {
	taken := map[string]bool{}
	keys := func(p poolTerm) []string {
		return []string{"t:" + fold(p.term), "d:" + fold(p.definition), "d:" + fold(p.shown)}
	}
	a := pool[answer]
	for _, k := range keys(a) {
		taken[k] = true
	}
	order := rng.Perm(len(pool))
	// A stable partition keeps the random order within each group.
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Compare(sameNoteRank(pool[i], a), sameNoteRank(pool[j], a))
	})
	var picked []string
	for _, j := range order {
		if len(picked) == distractors {
			break
		}
		ks := keys(pool[j])
		if j == answer || slices.ContainsFunc(ks, func(k string) bool { return taken[k] }) || alsoFits(pool[j], a) {
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
	return slices.Insert(picked, pos, show(a))
}

func sameNoteRank(p, answer poolTerm) int {
	if p.note == answer.note {
		return 0
	}
	return 1
}

// alsoFits reports whether candidate would be a defensible answer to a
// question about answer: one term contains the other ("Port" and
// "Ephemeral port"), or either definition names the other term (the
// definition of "Default gateway" says it is a router, so "Router" fits
// it too).
func alsoFits(candidate, answer poolTerm) bool {
	return candidate.mention.MatchString(answer.term) || answer.mention.MatchString(candidate.term) ||
		answer.mention.MatchString(candidate.definition) || candidate.mention.MatchString(answer.definition)
}

// spellsOutAcronym reports whether term is an acronym ("DNS", "TCP/IP" is
// not one) whose words are written out in definition: "Domain Name
// System" for DNS, "Hypertext Transfer Protocol" for HTTP (a word may give
// more than one letter), "Time to live" for TTL. Asking for the term of
// such a definition tests reading initials, not knowing the term.
func spellsOutAcronym(definition, term string) bool {
	letters := []rune(term)
	if len(letters) < 2 || len(letters) > 8 {
		return false
	}
	for _, r := range letters {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	words := strings.FieldsFunc(definition, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for start := range words {
		if spells(letters, words[start:], 0) {
			return true
		}
	}
	return false
}

// spells reports whether the words, from the first on, spell letters: each
// word gives its initial and may give more of the letters from inside it
// ("Hypertext" gives H and T), and at least two words are used.
func spells(letters []rune, words []string, used int) bool {
	if len(letters) == 0 {
		return used >= 2
	}
	if len(words) == 0 {
		return false
	}
	w := []rune(strings.ToUpper(words[0]))
	if w[0] != unicode.ToUpper(letters[0]) {
		return false
	}
	// Try giving 1, 2, ... letters from this word, in order inside it.
	rest := letters[1:]
	pos := 1
	for {
		if spells(rest, words[1:], used+1) {
			return true
		}
		if len(rest) == 0 {
			return false
		}
		k := slices.Index(w[pos:], unicode.ToUpper(rest[0]))
		if k < 0 {
			return false
		}
		pos += k + 1
		rest = rest[1:]
	}
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
