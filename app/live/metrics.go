package live

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the live layer's Prometheus series. They are registered on
// the registry the program hands in, never on a global one.
type metrics struct {
	connections *prometheus.GaugeVec
	messagesIn  prometheus.Counter
	eventsOut   prometheus.Counter
	fanout      prometheus.Histogram
	commits     prometheus.Histogram
	stored      prometheus.Counter
	ackLatency  prometheus.Histogram
	resumes     *prometheus.CounterVec
	dropped     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "netstudy_live_connections", Help: "Open live connections by transport.",
		}, []string{"transport"}),
		messagesIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "netstudy_live_messages_in_total", Help: "Envelopes received from clients.",
		}),
		eventsOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "netstudy_live_events_total", Help: "Session events published (each once, whatever the fan-out).",
		}),
		fanout: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "netstudy_live_fanout_seconds", Help: "Time to queue one event for all its recipients.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 10),
		}),
		commits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "netstudy_live_commit_seconds", Help: "Time to store one batch of commands in SQLite.",
			Buckets: prometheus.ExponentialBuckets(1e-4, 2, 14),
		}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "netstudy_live_commands_stored_total", Help: "Commands (answers, joins, host actions) stored durably.",
		}),
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "netstudy_live_ack_seconds", Help: "From a command's arrival to its acknowledgement being queued.",
			Buckets: prometheus.ExponentialBuckets(1e-4, 2, 14),
		}),
		resumes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netstudy_live_resumes_total", Help: "Clients that came back, by how they caught up.",
		}, []string{"how"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netstudy_live_disconnects_total", Help: "Connections closed by the server, by reason.",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.connections, m.messagesIn, m.eventsOut, m.fanout, m.commits, m.stored,
		m.ackLatency, m.resumes, m.dropped)
	return m
}

func (m *metrics) observeFanout(n int, d time.Duration) {
	if n > 0 {
		m.fanout.Observe(d.Seconds())
	}
}

func (m *metrics) observeCommit(n int, d time.Duration) {
	m.commits.Observe(d.Seconds())
	m.stored.Add(float64(n))
}
