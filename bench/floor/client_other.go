//go:build !linux

package main

import "errors"

func runClient(string) error {
	return errors.New("the floor's client reads with epoll, which only Linux has")
}
