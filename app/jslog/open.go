package jslog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// requestTimeout bounds one JetStream API request while Open sets up: a
// request that gets no answer (a stream whose leader is not elected yet,
// a server that has just died) is sent again rather than waited on.
const requestTimeout = 2 * time.Second

// waitingEvery is how often Open says in the log what it waits for.
const waitingEvery = 5 * time.Second

// errNoLeader is a replicated stream that exists but has no leader yet:
// it cannot store nor answer until one is elected.
var errNoLeader = errors.New("no leader elected yet")

// ensureStream looks the stream up, makes it if it is missing, and
// returns it once it has a leader.
func ensureStream(ctx context.Context, js jetstream.JetStream, w *waiter, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	var st jetstream.Stream
	err := ensure(ctx, w, "stream "+cfg.Name,
		func(rctx context.Context) error {
			s, err := js.Stream(rctx, cfg.Name)
			if err != nil {
				return err
			}
			info := s.CachedInfo()
			if info.Cluster != nil && info.Cluster.Leader == "" {
				return errNoLeader
			}
			if info.Config.Replicas != cfg.Replicas {
				// Found as it was made, not changed: changing the copies
				// of a live stream is the operator's call (nats stream edit).
				w.log.Warn("the stream keeps another number of copies than --nats-replicas says",
					"stream", cfg.Name, "replicas", info.Config.Replicas, "nats_replicas", cfg.Replicas)
			}
			st = s
			return nil
		},
		func(err error) bool { return errors.Is(err, jetstream.ErrStreamNotFound) },
		func(rctx context.Context) error {
			_, err := js.CreateStream(rctx, cfg)
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return nil // another node made it first: look it up
			}
			return err
		})
	return st, err
}

// ensureBucket looks the bucket up, makes it if it is missing, and returns
// it once the stream under it has a leader.
func ensureBucket(ctx context.Context, js jetstream.JetStream, w *waiter, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	var kv jetstream.KeyValue
	err := ensure(ctx, w, "bucket "+cfg.Bucket,
		func(rctx context.Context) error {
			// The bucket's stream first, for its leader.
			s, err := js.Stream(rctx, "KV_"+cfg.Bucket)
			if errors.Is(err, jetstream.ErrStreamNotFound) {
				return jetstream.ErrBucketNotFound
			}
			if err != nil {
				return err
			}
			if info := s.CachedInfo(); info.Cluster != nil && info.Cluster.Leader == "" {
				return errNoLeader
			}
			b, err := js.KeyValue(rctx, cfg.Bucket)
			if err != nil {
				return err
			}
			kv = b
			return nil
		},
		func(err error) bool { return errors.Is(err, jetstream.ErrBucketNotFound) },
		func(rctx context.Context) error {
			_, err := js.CreateKeyValue(rctx, cfg)
			if errors.Is(err, jetstream.ErrBucketExists) || errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return nil // another node made it first: look it up
			}
			return err
		})
	return kv, err
}

// ensure runs lookup until it succeeds, each try with its own timeout,
// and create whenever lookup says the thing is missing. Errors JetStream
// may get over by itself (no answer, no leader, no connection, servers
// not all there yet) are waited out until ctx ends; any other is final.
func ensure(ctx context.Context, w *waiter, what string, lookup func(context.Context) error, missing func(error) bool, create func(context.Context) error) error {
	for {
		err := try(ctx, lookup)
		if err == nil {
			return nil
		}
		if missing(err) {
			err = try(ctx, create)
			if err == nil {
				continue // made, or made by another node: look it up
			}
		}
		if !w.nc.IsConnected() {
			// Whatever the request met, the cause is this.
			err = fmt.Errorf("%w (%s)", ErrNoConnection, w.nc.Status())
		}
		if !retryAtStart(err) {
			return err
		}
		if !w.pause(ctx, what, err) {
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		}
	}
}

// try runs one request with requestTimeout.
func try(ctx context.Context, request func(context.Context) error) error {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return request(rctx)
}

// retryAtStart reports whether a setup request that failed with err may
// succeed later: besides what is transient, a cluster whose servers are
// still starting has no peers to place a replicated stream on.
func retryAtStart(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode == jsErrCodeClusterNoPeers {
		return true
	}
	return transient(err)
}

// jsErrCodeClusterNoPeers is JetStream's "no suitable peers for placement".
const jsErrCodeClusterNoPeers jetstream.ErrorCode = 10005

// waiter paces Open's retries and tells the log, every waitingEvery, what
// the node is waiting for, so that an operator sees why it does not serve.
type waiter struct {
	log      *slog.Logger
	urls     string
	nc       *nats.Conn
	since    time.Time
	lastSaid time.Time
}

// pause waits retryPause, or less if ctx ends first (then it says false).
func (w *waiter) pause(ctx context.Context, what string, err error) bool {
	now := time.Now()
	if w.since.IsZero() {
		w.since, w.lastSaid = now, now
	} else if now.Sub(w.lastSaid) >= waitingEvery {
		w.lastSaid = now
		if w.nc.IsConnected() {
			w.log.Warn("waiting for NATS JetStream", "nats", w.urls, "for", what,
				"waited", now.Sub(w.since).Round(time.Second).String(), "err", err)
		} else {
			attrs := []any{"status", w.nc.Status().String(), "waited", now.Sub(w.since).Round(time.Second).String()}
			if last := w.nc.LastError(); last != nil {
				// A refused sign-in or TLS, rather than nobody there.
				attrs = append(attrs, "err", last)
			}
			w.log.Warn("waiting for NATS at "+w.urls, attrs...)
		}
	}
	return pause(ctx, retryPause)
}

// RedactURLs drops any user and password from comma-separated URLs, for
// the screen and the logs.
func RedactURLs(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if u, err := url.Parse(p); err == nil && u.User != nil {
			u.User = nil
			p = u.String()
		}
		parts[i] = p
	}
	return strings.Join(parts, ",")
}
