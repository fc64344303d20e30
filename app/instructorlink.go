package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
)

// runInstructorLink is "netstudy instructor-link": it prints the link that
// signs the instructor in, read from the key kept in --data, for a teacher
// whose start screen has scrolled away or who comes back another day. It
// takes the server's flags, so the link names the same address.
func runInstructorLink(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.InstructorKey != "" {
		_, err := fmt.Fprintln(stdout, "The instructor key is the one given with --instructor-key (or NETSTUDY_INSTRUCTOR_KEY); sign in at "+
			instructorBase(cfg.PublicURL, addrForLink(cfg.Addr))+"/host")
		return err
	}
	key, err := readInstructorKey(cfg.DataDir)
	if errors.Is(err, errNoKeyFile) {
		return fmt.Errorf("no instructor key in the folder %q yet: start netstudy once (%s) to make one, "+
			"or give the --data folder the server uses", cfg.DataDir, selfCommand())
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, instructorLink(instructorBase(cfg.PublicURL, addrForLink(cfg.Addr)), key))
	return err
}

// addrForLink turns an --addr value into the host:port a browser on this
// machine opens: a server listening on every interface is reached at
// 127.0.0.1.
func addrForLink(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
