// Package search finds words anywhere in the notes: text, questions,
// answers, vocabulary and code. It keeps an in-memory bleve index with one
// document per note section, ranks with bleve's scoring, and turns the
// match locations bleve reports into escaped snippets with the words
// marked. The index is rebuilt when the catalog's content changes.
package search

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Limits on what a search may ask for. A query is a few words typed in a
// box; past these it is a mistake or an attempt to make the server work.
const (
	MaxQueryBytes    = 200
	MaxQueryWords    = 12
	MaxResults       = 20
	maxPerNote       = 3   // sections shown per note, so other notes get a place
	candidateResults = 100 // hits read from the index before the per-note cap
)

// ErrQueryTooLong is returned for a query over MaxQueryBytes bytes or
// MaxQueryWords words.
var ErrQueryTooLong = fmt.Errorf("the search is too long: use at most %d words and %d characters", MaxQueryWords, MaxQueryBytes)

// Field names of an indexed section. "all" holds title, heading and text in
// that order, so that every word of a query can match anywhere in the
// section; heading and title are indexed again alone to rank a section
// named after the words above one that only mentions them.
const (
	fieldAll     = "all"
	fieldHeading = "heading"
	fieldTitle   = "title"
)

// Result is one section that matches a query.
type Result struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Heading     string `json:"heading"`
	URL         string `json:"url"`
	SnippetHTML string `json:"snippet_html"` // escaped text; matches in <mark>
}

// Index is an immutable search index over a set of sections.
type Index struct {
	bleve    bleve.Index
	analyzer analysis.Analyzer
	sections []Section
	offsets  []int // where each section's Text starts inside its "all" field
}

// Build indexes sections.
func Build(sections []Section) (*Index, error) {
	m := newMapping()
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	ix := &Index{bleve: idx, sections: sections, offsets: make([]int, len(sections))}
	ix.analyzer = m.AnalyzerNamed(en.AnalyzerName)
	if ix.analyzer == nil {
		return nil, errors.New("search index: no English analyzer")
	}
	batch := idx.NewBatch()
	for i, s := range sections {
		prefix := s.Title + "\n" + s.Heading + "\n"
		ix.offsets[i] = len(prefix)
		doc := map[string]string{
			fieldAll:     prefix + s.Text,
			fieldHeading: s.Heading,
			fieldTitle:   s.Title,
		}
		if err := batch.Index(strconv.Itoa(i), doc); err != nil {
			return nil, fmt.Errorf("search index: section %s#%s: %w", s.Slug, s.Anchor, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// newMapping indexes every field with bleve's English analyzer: lower
// case, stop words dropped, plurals and endings stemmed, so "ports" finds
// "port". Nothing is stored: the sections are kept in memory beside it.
func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = true // needed for the match locations snippets use
	text.IncludeInAll = false
	doc := bleve.NewDocumentMapping()
	doc.AddFieldMappingsAt(fieldAll, text)
	doc.AddFieldMappingsAt(fieldHeading, text)
	doc.AddFieldMappingsAt(fieldTitle, text)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	return m
}

// Search returns the sections that hold every word of q, best first, at
// most MaxResults of them and at most three per note. The last word may be
// the start of a word, so that results follow the typing. An empty query
// has no results.
func (ix *Index) Search(q string) ([]Result, error) {
	if len(q) > MaxQueryBytes || len(strings.Fields(q)) > MaxQueryWords {
		return nil, ErrQueryTooLong
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	built := ix.query(q)
	if built == nil {
		return []Result{}, nil
	}
	req := bleve.NewSearchRequestOptions(built, candidateResults, 0, false)
	req.IncludeLocations = true
	res, err := ix.bleve.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	out := []Result{}
	perNote := map[string]int{}
	for _, hit := range res.Hits {
		i, err := strconv.Atoi(hit.ID)
		if err != nil || i < 0 || i >= len(ix.sections) {
			return nil, fmt.Errorf("search %q: unknown document %q", q, hit.ID)
		}
		s := ix.sections[i]
		if perNote[s.Slug] >= maxPerNote {
			continue
		}
		perNote[s.Slug]++
		var spans []span
		for _, locs := range hit.Locations[fieldAll] {
			for _, l := range locs {
				start, end := int(l.Start)-ix.offsets[i], int(l.End)-ix.offsets[i]
				if start >= 0 && end <= len(s.Text) && start < end {
					spans = append(spans, span{start, end})
				}
			}
		}
		out = append(out, Result{
			Slug: s.Slug, Title: s.Title, Heading: s.Heading, URL: s.URL(),
			SnippetHTML: snippet(s.Text, spans),
		})
		if len(out) == MaxResults {
			break
		}
	}
	return out, nil
}

// query turns what was typed into a bleve query: every analysed word must
// be in the section ("all" field); a section that has the words in its
// heading or its note's title scores higher. The last word, unless a
// space follows it, also matches as the start of a longer word.
func (ix *Index) query(q string) query.Query {
	tokens := ix.analyzer.Analyze([]byte(q))
	trimmed := strings.TrimRightFunc(q, unicode.IsSpace)
	typing := len(trimmed) == len(q) // no space after the last word yet
	var must []query.Query
	var should []query.Query
	for k, t := range tokens {
		term := string(t.Term)
		var match query.Query = termQuery(term, fieldAll, 1)
		if last := k == len(tokens)-1; last && typing && t.End == len(trimmed) {
			raw := strings.ToLower(string([]byte(q)[t.Start:t.End]))
			if utf8.RuneCountInString(raw) >= 2 {
				p := bleve.NewPrefixQuery(raw)
				p.SetField(fieldAll)
				p.SetBoost(0.5) // a whole word beats the start of one
				match = bleve.NewDisjunctionQuery(match, p)
			}
		}
		should = append(should, termQuery(term, fieldHeading, 3), termQuery(term, fieldTitle, 1.5))
		if utf8.RuneCountInString(term) == 1 {
			// A lone letter ("b" from a pasted <b> tag, "a" in "class a")
			// only helps the ranking: required, it would hide good matches.
			should = append(should, match)
			continue
		}
		must = append(must, match)
	}
	if len(must) == 0 {
		if len(should) == 0 {
			return nil
		}
		must = should[len(should)-1:] // only lone letters were typed: they must match
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddShould(should...)
	return b
}

func termQuery(term, field string, boost float64) *query.TermQuery {
	t := bleve.NewTermQuery(term)
	t.SetField(field)
	t.SetBoost(boost)
	return t
}
