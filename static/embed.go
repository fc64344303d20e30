// Package static embeds the CSS, JavaScript modules and images served under
// /static/, so the binary works offline with no files beside it.
package static

import "embed"

// FS holds the css, js and img folders.
//
//go:embed css js img
var FS embed.FS
