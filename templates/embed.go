// Package templates embeds the html/template files of the web pages, so the
// binary needs no files beside it.
package templates

import "embed"

// FS holds every *.html template of this folder.
//
//go:embed *.html
var FS embed.FS
