package study

import (
	"strings"
	"testing"
	"testing/fstest"

	"netstudy/app/notes"
)

func library(t *testing.T) *notes.Library {
	t.Helper()
	return notes.Load(fstest.MapFS{
		"dns.md": {Data: []byte("# DNS\n\n### What does DNS do?\n\nIt turns names into addresses.\n\n### Is this empty?\n\n## Vocabulary\n\n**Resolver:** Asks other servers on your behalf.\n\n**TTL:** How long an answer may be cached.\n")},
		"arp.md": {Data: []byte("# ARP\n\n### What does ARP find?\n\nThe MAC address for an IPv4 address on the local link.\n")},
	})
}

func TestDeckOfOneNote(t *testing.T) {
	cards, ok := Deck(library(t), "dns")
	if !ok {
		t.Fatal("Deck(dns) not found")
	}
	var kinds []string
	for _, c := range cards {
		kinds = append(kinds, string(c.Kind)+" "+string(c.FrontHTML))
		if c.NoteSlug != "dns" || c.NoteTitle != "DNS" {
			t.Errorf("card %s has note %q %q", c.ID, c.NoteSlug, c.NoteTitle)
		}
	}
	want := []string{
		"qa What does DNS do?", // the empty answer makes no card
		"term Resolver", "definition Asks other servers on your behalf.",
		"term TTL", "definition How long an answer may be cached.",
	}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("cards:\n got %q\nwant %q", kinds, want)
	}
}

func TestDeckOfAllNotesAndUnknownNote(t *testing.T) {
	lib := library(t)
	all, ok := Deck(lib, "")
	if !ok || len(all) != 6 {
		t.Fatalf("Deck(all) = %d cards, %v; want 6", len(all), ok)
	}
	if _, ok := Deck(lib, "nope"); ok {
		t.Error("Deck(nope) found a note")
	}
}

func TestCardIDsAreStableAndDistinct(t *testing.T) {
	a, _ := Deck(library(t), "")
	b, _ := Deck(library(t), "")
	seen := map[string]bool{}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Errorf("card ID changed between loads: %s vs %s", a[i].ID, b[i].ID)
		}
		if seen[a[i].ID] {
			t.Errorf("duplicate card ID %s", a[i].ID)
		}
		seen[a[i].ID] = true
	}
	if cardID(CardQA, "n", "What  is DNS?") != cardID(CardQA, "n", "what is dns?") {
		t.Error("case or spacing changed a card's ID")
	}
}

func TestCardTextIsEscaped(t *testing.T) {
	lib := notes.Load(fstest.MapFS{"x.md": {Data: []byte("# X\n\n## Vocabulary\n\n**<b>Bold</b>:** a tag\n")}})
	cards, _ := Deck(lib, "x")
	for _, c := range cards {
		if strings.Contains(string(c.FrontHTML)+string(c.BackHTML), "<b>") {
			t.Errorf("card %s carries raw HTML: %q / %q", c.ID, c.FrontHTML, c.BackHTML)
		}
	}
}

// DeckSizes must agree with Deck, card for card, or the home page's due
// count would differ from the flashcards page's.
func TestDeckSizesAgreeWithDecks(t *testing.T) {
	lib := library(t)
	sizes := DeckSizes(lib)
	want := map[string]int{}
	all, _ := Deck(lib, "")
	for _, c := range all {
		want[c.NoteSlug]++
	}
	if len(sizes) != len(want) {
		t.Fatalf("DeckSizes = %v, want %v", sizes, want)
	}
	for slug, n := range want {
		if sizes[slug] != n {
			t.Errorf("DeckSizes[%s] = %d, want %d", slug, sizes[slug], n)
		}
	}
}
