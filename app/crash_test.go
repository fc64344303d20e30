package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestKill9KeepsEveryAcknowledgedAnswer kills the real server process with
// SIGKILL while a class is answering, restarts it on the same data folder,
// lets every student resume and retry what was not acknowledged, and then
// finds every acknowledged answer stored exactly once.
func TestKill9KeepsEveryAcknowledgedAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	const students = 40
	dir := t.TempDir()
	srv := startServerProcess(t, dir)
	id, code := createSession(t, srv.url)

	host, err := dialLive(srv.url, true)
	if err != nil {
		t.Fatal(err)
	}
	host.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "host"})
	if _, err := host.until("welcome"); err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, students)
	phones := make([]*crashClient, students)
	for i := range phones {
		c, err := dialLive(srv.url, false)
		if err != nil {
			t.Fatal(err)
		}
		c.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "student"})
		c.send("join", fmt.Sprintf("join-%d", i), map[string]string{"nickname": fmt.Sprintf("kid%02d", i)})
		ack, err := c.until("ack")
		if err != nil {
			t.Fatal(err)
		}
		var a struct {
			OK     bool `json:"ok"`
			Result struct {
				Token string `json:"token"`
			} `json:"result"`
		}
		if json.Unmarshal(ack.Data, &a); !a.OK {
			t.Fatalf("join %d: %s", i, ack.Data)
		}
		tokens[i], phones[i] = a.Result.Token, c
	}
	host.send("ask_next", "ask-1", nil)
	if _, err := host.until("ack"); err != nil {
		t.Fatal(err)
	}

	// Everyone answers at once; the server dies part way through.
	var mu sync.Mutex
	acked := map[int]bool{}
	var wg sync.WaitGroup
	for i, c := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.until("question_opened"); err != nil {
				return
			}
			// Answers trickle in, as a class's do, so the kill lands
			// with some acknowledged, some in flight, some not yet sent.
			time.Sleep(time.Duration(i) * 4 * time.Millisecond)
			if c.send("answer", fmt.Sprintf("answer-%d", i), map[string]any{"question_id": "typed-1", "round": 1, "choices": []string{"a"}}) != nil {
				return
			}
			if env, err := c.until("ack"); err == nil && strings.Contains(string(env.Data), `"ok":true`) {
				mu.Lock()
				acked[i] = true
				mu.Unlock()
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= students/4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	srv.kill9(t)
	wg.Wait()
	mu.Lock()
	ackedBefore := len(acked)
	mu.Unlock()
	if ackedBefore == 0 {
		t.Fatal("no answer was acknowledged before the kill; the test proves nothing")
	}

	// The server comes back; every phone resumes and retries its answer
	// with the same id, as the browser client does.
	srv2 := startServerProcess(t, dir)
	for i := range phones {
		c, err := dialLive(srv2.url, false)
		if err != nil {
			t.Fatal(err)
		}
		c.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "student", "token": tokens[i]})
		w, err := c.until("welcome")
		if err != nil || !strings.Contains(string(w.Data), `"participant_id"`) {
			t.Fatalf("student %d could not resume after the restart: %s %v", i, w.Data, err)
		}
		c.send("answer", fmt.Sprintf("answer-%d", i), map[string]any{"question_id": "typed-1", "round": 1, "choices": []string{"a"}})
		env, err := c.until("ack")
		if err != nil || !strings.Contains(string(env.Data), `"ok":true`) {
			t.Fatalf("student %d's retried answer: %s %v", i, env.Data, err)
		}
		c.conn.Close()
	}

	req, _ := http.NewRequest(http.MethodGet, srv2.url+"/api/sessions/"+id+"/results", nil)
	req.Header.Set("Authorization", "Bearer "+crashKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var rep struct {
		Results struct {
			Rounds []struct {
				Answers []struct {
					Nickname string `json:"nickname"`
				} `json:"answers"`
			} `json:"rounds"`
		} `json:"results"`
	}
	if err := json.NewDecoder(res.Body).Decode(&rep); err != nil || len(rep.Results.Rounds) != 1 {
		t.Fatalf("results: %v %+v", err, rep)
	}
	seen := map[string]int{}
	for _, a := range rep.Results.Rounds[0].Answers {
		seen[a.Nickname]++
	}
	for i := range students {
		if n := seen[fmt.Sprintf("kid%02d", i)]; n != 1 {
			t.Errorf("kid%02d has %d stored answers, want exactly 1 (acknowledged before the kill: %v)", i, n, acked[i])
		}
	}
	t.Logf("%d of %d answers were acknowledged before kill -9; all %d stored once after the restart", ackedBefore, students, students)
}
