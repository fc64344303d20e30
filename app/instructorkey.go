package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"netstudy/app/auth"
	"netstudy/app/live"
)

// The instructor key is made once and kept in the data folder, so that a
// restart, a crash or a reboot never signs the teacher out: instructor
// cookies are HMACs under the key, and the same key checks them again.
// A key given with --instructor-key is used as is and never written.

// instructorKeyFile is the key's file inside --data.
const instructorKeyFile = "instructor-key"

// keyFileMode keeps the key from the other accounts of a shared computer.
const keyFileMode = 0o600

func instructorKeyPath(dataDir string) string {
	return filepath.Join(dataDir, instructorKeyFile)
}

// errNoKeyFile means no key has been made in the data folder yet.
var errNoKeyFile = errors.New("no instructor key yet")

// readInstructorKey returns the key kept in dataDir, errNoKeyFile if there
// is none.
func readInstructorKey(dataDir string) (string, error) {
	path := instructorKeyPath(dataDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", path, errNoKeyFile)
	}
	if err != nil {
		return "", fmt.Errorf("read the instructor key: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Errorf("the instructor key file %s is empty: delete it and start netstudy to make a new key", path)
	}
	return key, nil
}

// loadOrMakeInstructorKey returns the key kept in dataDir, making and
// keeping a new one the first time. A file that others can read is
// narrowed to its owner, with a warning.
func loadOrMakeInstructorKey(dataDir string, log *slog.Logger) (string, error) {
	key, err := readInstructorKey(dataDir)
	if errors.Is(err, errNoKeyFile) {
		key = randomKey()
		return key, saveInstructorKey(dataDir, key)
	}
	if err != nil {
		return "", err
	}
	path := instructorKeyPath(dataDir)
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&^keyFileMode != 0 {
		log.Warn("the instructor key file could be read by other accounts; it is now private", "file", path, "was", info.Mode().Perm().String())
		if err := os.Chmod(path, keyFileMode); err != nil {
			return "", fmt.Errorf("make the instructor key file private: %w", err)
		}
	}
	return key, nil
}

// saveInstructorKey writes the key so that a crash leaves the old file or
// the new one, never half of one: a temporary file, synced, then renamed
// over the old.
func saveInstructorKey(dataDir, key string) error {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("make the data folder: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, instructorKeyFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("save the instructor key: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(keyFileMode); err != nil {
		tmp.Close()
		return fmt.Errorf("save the instructor key: %w", err)
	}
	if _, err := tmp.WriteString(key + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("save the instructor key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save the instructor key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save the instructor key: %w", err)
	}
	if err := os.Rename(tmp.Name(), instructorKeyPath(dataDir)); err != nil {
		return fmt.Errorf("save the instructor key: %w", err)
	}
	return nil
}

// keyChanger changes the instructor key while the server runs (the
// "Change instructor key" button of /host). It is the one place that
// knows the three steps and their order: keep the new key first, so that
// a crash half way leaves a key that the restarted server agrees with;
// then swap it in; then close the instructor's screens still open, which
// were signed in with the old one.
type keyChanger struct {
	mu      sync.Mutex // one change at a time: the file and Auth agree
	dataDir string
	auth    *auth.Credentials
	hub     *live.Hub
}

// ChangeInstructorKey makes, keeps and uses a new key, and returns it.
func (k *keyChanger) ChangeInstructorKey(ctx context.Context) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := randomKey()
	if err := saveInstructorKey(k.dataDir, key); err != nil {
		return "", err // the old key stays in use, and on disk
	}
	k.auth.SetInstructorKey(key)
	if err := k.hub.SignOutInstructor(ctx); err != nil {
		return "", fmt.Errorf("the key changed, but recording the sign-out failed: %w", err)
	}
	return key, nil
}
