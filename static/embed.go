// Package static embeds the CSS, JavaScript modules and images served under
// /static/, so the binary works offline with no files beside it.
package static

import "embed"

// FS holds the css, js, img and vendor folders.
//
//go:embed css js img vendor
var FS embed.FS
