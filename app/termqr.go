package main

import (
	"fmt"
	"io"
	"strings"

	"rsc.io/qr"
)

// The join QR code is drawn with Unicode half blocks, two modules to a
// character cell, so that it stays square and small. Its colours are set
// explicitly, black modules on a white ground, since a code drawn in the
// terminal's own colours comes out inverted on a dark or a light theme,
// and some phone cameras do not read an inverted code.

// qrQuietZone is the white margin around the code, in modules. The
// standard asks for four; two are enough for phone cameras, and the
// terminal's background around it is no margin on a dark theme.
const qrQuietZone = 2

const (
	sgrBlackOnWhite = "\x1b[30;107m"
	sgrReset        = "\x1b[0m"
)

// halfBlocks maps a cell's top and bottom modules (true: dark) to its
// character, drawn in black on white.
var halfBlocks = [2][2]string{
	{" ", "▄"}, // top light: bottom light, bottom dark
	{"▀", "█"}, // top dark: bottom light, bottom dark
}

// writeQR draws text as a QR code.
func writeQR(w io.Writer, text string) error {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return fmt.Errorf("QR code of %s: %w", text, err)
	}
	side := code.Size + 2*qrQuietZone
	dark := func(x, y int) bool {
		return code.Black(x-qrQuietZone, y-qrQuietZone) // false outside the code
	}
	var b strings.Builder
	for y := 0; y < side; y += 2 {
		b.WriteString(sgrBlackOnWhite)
		for x := range side {
			top, bottom := dark(x, y), y+1 < side && dark(x, y+1)
			b.WriteString(halfBlocks[b2i(top)][b2i(bottom)])
		}
		b.WriteString(sgrReset + "\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}
