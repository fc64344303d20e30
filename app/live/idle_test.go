package live

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"netstudy/app/session"
)

// clock is the hub's time, moved forward by hours at will; the actor still
// checks for idleness on its real one-second ticker.
type clock struct{ ahead atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *clock) advance(d time.Duration) { c.ahead.Add(int64(d)) }

func idleHub(t *testing.T, dir string, c *clock) *testHub {
	return startTestHubWith(t, dir, func(cfg *testConfig) { cfg.Now = c.now })
}

func createFromQuiz(t *testing.T, th *testHub) SessionInfo {
	t.Helper()
	info, err := th.hub.Create(context.Background(), session.Setup{Title: "Idle", Source: "quiz:idle", Options: session.DefaultOptions(), Questions: testQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// stillLive waits past the actor's next idleness check and reports
// whether the quiz is still out of practice.
func stillLive(th *testHub) bool {
	time.Sleep(presenceEvery + presenceEvery/2)
	return th.hub.SourceLive("quiz:idle")
}

// awaitPracticeable waits until the quiz of the session can be practised.
func awaitPracticeable(t *testing.T, th *testHub) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for th.hub.SourceLive("quiz:idle") {
		if time.Now().After(deadline) {
			t.Fatal("the idle session did not end: its quiz is still out of practice")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A session the instructor forgot to end keeps its quiz out of practice.
// Once nobody has sent anything for IdleEnd (4 hours) it ends by itself,
// as if the instructor had ended it: phones see the podium, the end is
// stored, and the quiz can be practised again. A class still playing,
// however long, keeps it.
func TestIdleSessionEndsByItself(t *testing.T) {
	var c clock
	th := idleHub(t, t.TempDir(), &c)
	info := createFromQuiz(t, th)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	for _, cmd := range []string{"lock", "unlock"} {
		c.advance(3 * time.Hour)
		mustOK(t, host, cmd, nil)
	}
	if !stillLive(th) {
		t.Fatal("a session in use for six hours ended as idle")
	}

	c.advance(4 * time.Hour) // everyone went home
	if _, err := ada.within(5*time.Second, session.TypeEnded, ""); err != nil {
		t.Fatalf("the phone did not hear the end: %v", err)
	}
	host.expect(session.TypeEnded, "")
	awaitPracticeable(t, th)
	if kinds := th.storedKinds(t, info.ID); kinds[len(kinds)-1] != "end" {
		t.Errorf("stored commands %v, want an end last", kinds)
	}
}

// After a restart, idleness counts from the session's last command, not
// from its creation nor from the restart.
func TestIdleSessionAfterARestart(t *testing.T) {
	var c clock
	dir := t.TempDir()
	th := idleHub(t, dir, &c)
	info := createFromQuiz(t, th)
	host := th.host(t, info.Code)
	th.student(t, info.Code, "ada") // a class in it: not a forgotten lobby
	c.advance(3 * time.Hour)
	mustOK(t, host, "lock", nil)
	th.stop()

	c.advance(2 * time.Hour) // created 5 hours ago, used 2 hours ago
	th = idleHub(t, dir, &c)
	if !stillLive(th) {
		t.Fatal("a session used two hours ago ended as idle after a restart")
	}
	c.advance(3 * time.Hour) // used 5 hours ago
	awaitPracticeable(t, th)
	if kinds := th.storedKinds(t, info.ID); !slices.Contains(kinds, "end") {
		t.Errorf("stored commands %v, want an end", kinds)
	}
}

// onActor runs f on a running session's actor and returns its answer.
func onActor(t *testing.T, th *testHub, id string, f func(*actor) bool) bool {
	t.Helper()
	a, ok := th.hub.actorByID(id)
	if !ok {
		return false
	}
	var got bool
	if err := a.do(context.Background(), func(a *actor) { got = f(a) }); err != nil {
		return false
	}
	return got
}

// A session left in its lobby with nobody in it and nothing connected ends
// after LobbyIdleEnd; one with a screen still open does not. A lobby with
// nobody in it does not lock its quiz's practice; a student in it does.
func TestForgottenLobbyEnds(t *testing.T) {
	var c clock
	th := idleHub(t, t.TempDir(), &c)
	info := createFromQuiz(t, th)
	if th.hub.SourceLive("quiz:idle") {
		t.Error("an empty lobby locks its quiz's practice")
	}
	host := th.host(t, info.Code)
	c.advance(31 * time.Minute)
	seen := c.now()
	// Once an idleness check has seen the dashboard connected, 31 minutes on:
	waitFor(t, func() bool {
		return onActor(t, th, info.ID, func(a *actor) bool { return !a.lastPresent.Before(seen) })
	})
	if rs, _ := th.hub.Running(context.Background()); len(rs) != 1 || rs[0].ID != info.ID || rs[0].Players != 0 || rs[0].State != string(session.Lobby) {
		t.Fatalf("running sessions with the dashboard open: %+v", rs)
	}
	host.conn.Close()
	waitFor(t, func() bool { return onActor(t, th, info.ID, func(a *actor) bool { return len(a.hosts) == 0 }) })
	c.advance(31 * time.Minute)
	waitFor(t, func() bool {
		rs, _ := th.hub.Running(context.Background())
		return len(rs) == 0
	})
	if kinds := th.storedKinds(t, info.ID); !slices.Contains(kinds, "end") {
		t.Errorf("stored commands %v, want an end", kinds)
	}

	other := createFromQuiz(t, th)
	th.student(t, other.Code, "ada")
	waitFor(t, func() bool { return th.hub.SourceLive("quiz:idle") })
	if err := th.hub.End(context.Background(), other.ID); err != nil {
		t.Fatal(err)
	}
	if rs, _ := th.hub.Running(context.Background()); len(rs) != 0 {
		t.Errorf("after End, still running: %+v", rs)
	}
	awaitPracticeable(t, th)
	if err := th.hub.End(context.Background(), "nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("End of an unknown session: %v", err)
	}
}
