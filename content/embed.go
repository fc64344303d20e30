// Package content embeds the shipped notes (*.md) and quizzes
// (quizzes/*.md). The server reads them through fs.FS, so --content can
// swap in a folder on disk.
package content

import "embed"

// FS holds the shipped notes and quizzes.
//
//go:embed *.md quizzes/*.md
var FS embed.FS
