// Command netstudy serves a networking study guide and runs live classroom
// quizzes from one binary. main only wires the process to run; everything
// else is testable through run.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "netstudy:", err)
		os.Exit(1)
	}
}
