//go:build unix

package rawsock

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// socketPair returns two connected non-blocking stream sockets.
func socketPair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(fds[0])
		unix.Close(fds[1])
	})
	return fds[0], fds[1]
}

func TestWriteThenRead(t *testing.T) {
	a, b := socketPair(t)
	if n, err := Write(a, []byte("hello")); n != 5 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	buf := make([]byte, 64)
	n, err := Read(b, buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
}

func TestWritevGathersInOrder(t *testing.T) {
	a, b := socketPair(t)
	n, err := Writev(a, [][]byte{[]byte("one "), nil, []byte("two "), []byte("three")})
	if n != 13 || err != nil {
		t.Fatalf("Writev = %d, %v", n, err)
	}
	buf := make([]byte, 64)
	m, err := Read(b, buf)
	if err != nil || string(buf[:m]) != "one two three" {
		t.Fatalf("Read = %q, %v", buf[:m], err)
	}
}

// Neither call ever waits: an empty socket and a full one answer EAGAIN.
func TestEmptyAndFullSocketsDoNotBlock(t *testing.T) {
	a, b := socketPair(t)
	if _, err := Read(b, make([]byte, 8)); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("Read of an empty socket: %v, want EAGAIN", err)
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	total := 0
	for {
		n, err := Write(a, chunk)
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		total += n
		if total > 64<<20 {
			t.Fatal("a socket took 64 MiB without filling")
		}
	}
	if _, err := Writev(a, [][]byte{chunk}); !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("Writev to a full socket: %v, want EAGAIN", err)
	}
}

func TestClosedDescriptorIsAnError(t *testing.T) {
	a, _ := socketPair(t)
	fd, err := unix.Dup(a)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	if _, err := Write(fd, []byte("x")); !errors.Is(err, unix.EBADF) {
		t.Fatalf("Write to a closed descriptor: %v, want EBADF", err)
	}
}
