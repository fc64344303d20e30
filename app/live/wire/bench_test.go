package wire

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkIdleStudentMemory connects students over real WebSocket
// connections, has each say hello and join, and reports the goroutines
// and goroutine stack an idle one costs the server, read by pollers and
// read by a goroutine each. The clients run in this process but have no
// goroutines, so these figures are the server's alone.
func BenchmarkIdleStudentMemory(b *testing.B) {
	for _, goroutines := range []bool{false, true} {
		b.Run(fmt.Sprintf("goroutines=%v", goroutines), func(b *testing.B) {
			const students = 500
			for range b.N {
				b.StopTimer()
				ts := startServer(b, func(c *Config) { c.ReadWithGoroutines = goroutines })
				info := ts.create(b)
				b.StartTimer()
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				running := runtime.NumGoroutine()
				for i := range students {
					ts.dial(b).join(info.Code, fmt.Sprintf("s%d", i))
				}
				for range 3 { // stacks shrink at collections
					runtime.GC()
				}
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.StackInuse)-int64(before.StackInuse))/students, "stack-B/student")
				b.ReportMetric(float64(runtime.NumGoroutine()-running)/students, "goroutines/student")
				b.StopTimer()
				ts.stop()
				b.StartTimer()
			}
		})
	}
}
