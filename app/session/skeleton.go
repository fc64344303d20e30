package session

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// nicknameKey is a nickname's uniqueness key: two nicknames with the same
// key look alike, so the second is refused as taken. It is a compact
// version of the skeleton of Unicode's security mechanisms (UTS #39):
// compatibility forms are unified first (NFKC: fullwidth "ａ" and
// mathematical "𝐚" are "a"), then the common look-alike letters of the
// Cyrillic and Greek scripts, and the digits and signs that pass for
// letters, become the Latin letter they pass for, and case is folded last.
// So "аnn" with a Cyrillic "а", "ANN" and "ａｎｎ" are all "ann"; so are
// "bill", "biII" and "bi11". The table covers the look-alikes a class
// meets, not all of Unicode's.
func nicknameKey(nick string) string {
	nick = norm.NFKC.String(nick)
	var b strings.Builder
	b.Grow(len(nick))
	for _, r := range nick {
		if to, ok := lookAlike[r]; ok {
			r = to
		}
		b.WriteRune(r)
	}
	return foldNickname(b.String())
}

// lookAlike maps a character to the Latin letter it is easily taken for.
var lookAlike = map[rune]rune{
	// Cyrillic capitals and small letters.
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P',
	'С': 'C', 'Т': 'T', 'Х': 'X', 'У': 'Y', 'Ү': 'Y', 'Ѕ': 'S', 'І': 'l', 'Ӏ': 'l',
	'Ј': 'J', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ԁ': 'D', 'Ь': 'b',
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'ү': 'y', 'х': 'x',
	'ѕ': 's', 'і': 'i', 'ј': 'j', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l',
	'ѵ': 'v', 'ɡ': 'g',
	// Greek capitals and small letters.
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'l', 'Κ': 'K', 'Μ': 'M',
	'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'ι': 'i', 'γ': 'y', 'χ': 'x', 'κ': 'k',
	// Latin letters, digits and signs that pass for one another.
	'I': 'l', '1': 'l', '|': 'l', 'ı': 'i', '0': 'O',
}
