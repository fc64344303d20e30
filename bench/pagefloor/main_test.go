package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServesTheFetchedBytesAndHeaders(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte("<p>a note</p>"))
	zw.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			t.Errorf("fetched with Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Write(zipped.Bytes())
	}))
	defer origin.Close()

	p, err := fetch(context.Background(), origin.URL)
	if err != nil {
		t.Fatal(err)
	}
	floor := httptest.NewServer(p)
	defer floor.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Get(floor.URL + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if !bytes.Equal(got, zipped.Bytes()) {
		t.Errorf("served %d bytes, want the %d fetched", len(got), zipped.Len())
	}
	for _, k := range []string{"Content-Encoding", "Content-Security-Policy", "Content-Length"} {
		if res.Header.Get(k) == "" {
			t.Errorf("header %s lost", k)
		}
	}
	if n := len(res.Header.Values("Date")); n != 1 {
		t.Errorf("%d Date headers, want 1", n)
	}
}

func TestRunServesUntilItsContextEnds(t *testing.T) {
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	if err := run(context.Background(), missing.URL, "127.0.0.1:0", io.Discard); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a missing page: %v, want an error naming the 404", err)
	}

	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("a page")) }))
	defer origin.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, printed := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, origin.URL, "127.0.0.1:0", printed) }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(line[strings.LastIndex(line, " "):])
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "a page" {
		t.Errorf("served %q", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after its context ended: %v", err)
	}
}
