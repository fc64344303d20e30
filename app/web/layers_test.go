package web

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"netstudy/app/layers"
)

// layersGetJSON fetches path, checks the status and decodes the body into out.
func layersGetJSON(t *testing.T, ts *httptest.Server, path string, wantStatus int, out any) {
	t.Helper()
	res, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != wantStatus {
		t.Fatalf("GET %s = %d, want %d", path, res.StatusCode, wantStatus)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s Content-Type = %q, want JSON", path, ct)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
}

// layersField returns the field with key in a packet, children included.
func layersField(p layers.Packet, key string) (layers.Field, bool) {
	var walk func([]layers.Field) (layers.Field, bool)
	walk = func(fs []layers.Field) (layers.Field, bool) {
		for _, f := range fs {
			if f.Key == key {
				return f, true
			}
			if c, ok := walk(f.Children); ok {
				return c, true
			}
		}
		return layers.Field{}, false
	}
	for _, l := range p.Layers {
		if f, ok := walk(l.Fields); ok {
			return f, true
		}
	}
	return layers.Field{}, false
}

func TestLayersAPIList(t *testing.T) {
	ts := newTestServer(t, testContent())
	var got []layers.Info
	layersGetJSON(t, ts, "/api/layers", http.StatusOK, &got)
	want := layers.Scenarios()
	if len(got) != len(want) {
		t.Fatalf("got %d scenarios, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("scenario %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	ids := map[string]bool{}
	for _, in := range got {
		ids[in.ID] = true
	}
	for _, id := range []string{"tcp-handshake", "tcp-data", "udp", "tcp-loss", "router-hop", "mss", "websocket"} {
		if !ids[id] {
			t.Errorf("scenario %q missing from the list", id)
		}
	}
}

func TestLayersAPIScenario(t *testing.T) {
	ts := newTestServer(t, testContent())
	var sc layers.Scenario
	layersGetJSON(t, ts, "/api/layers/tcp-handshake", http.StatusOK, &sc)
	if sc.ID != "tcp-handshake" || sc.Title == "" || len(sc.Stack) != 7 || len(sc.Nodes) != 2 {
		t.Fatalf("scenario = id %q title %q, %d stack rows, %d nodes", sc.ID, sc.Title, len(sc.Stack), len(sc.Nodes))
	}
	var captions []string
	for _, p := range sc.Packets {
		captions = append(captions, p.Caption)
	}
	if got := strings.Join(captions, " | "); got != "SYN | SYN, ACK | ACK" {
		t.Errorf("captions = %q", got)
	}
	syn := sc.Packets[0]
	var keys []string
	for _, l := range syn.Layers {
		keys = append(keys, l.Key)
	}
	if got := strings.Join(keys, ","); got != "eth,ip,tcp" {
		t.Errorf("layers of the SYN = %s", got)
	}
	if len(syn.Frame) != 64 || syn.Frame[12] != 0x08 || syn.Frame[13] != 0x00 {
		t.Errorf("SYN frame: %d bytes, EtherType %x", len(syn.Frame), syn.Frame[12:14])
	}
	f, ok := layersField(syn, "tcp.flags.syn")
	if !ok || f.Value != "Set" || f.Offset != 47 || f.BitLength != 1 {
		t.Errorf("tcp.flags.syn = %+v (found %v)", f, ok)
	}
	f, ok = layersField(syn, "ip.ttl")
	if !ok || f.Value != "64" || f.Source != layers.Illustrative || syn.Frame[f.Offset] != 64 {
		t.Errorf("ip.ttl = %+v (found %v)", f, ok)
	}
	if len(sc.Steps) == 0 || sc.Steps[0].Description == "" || sc.Steps[0].Action != "encapsulate" {
		t.Errorf("first step = %+v", sc.Steps[0])
	}
}

func TestLayersAPIParams(t *testing.T) {
	ts := newTestServer(t, testContent())
	q := url.Values{
		"message":     {"Bonjour à tous"},
		"client_port": {"50000"},
		"server_port": {"9000"},
		"client_ip":   {"10.0.0.7"},
		"ttl":         {"33"},
		"observed":    {"client_port,message"},
		"unknown":     {"ignored"},
	}
	var sc layers.Scenario
	layersGetJSON(t, ts, "/api/layers/tcp-data?"+q.Encode(), http.StatusOK, &sc)
	checks := []struct {
		packet int
		key    string
		value  string
		source layers.Source
	}{
		{0, "tcp.srcport", "50000", layers.Observed},
		{0, "tcp.dstport", "9000", layers.Illustrative},
		{0, "ip.src", "10.0.0.7", layers.Illustrative},
		{0, "ip.ttl", "33", layers.Illustrative},
		{3, "data.data", "Bonjour à tous", layers.Observed},
	}
	for _, c := range checks {
		f, ok := layersField(sc.Packets[c.packet], c.key)
		if !ok {
			t.Errorf("packet %d has no %s", c.packet, c.key)
			continue
		}
		if f.Value != c.value || f.Source != c.source {
			t.Errorf("packet %d %s = %q (%s), want %q (%s)", c.packet, c.key, f.Value, f.Source, c.value, c.source)
		}
	}

	// Dropping the data segment makes TCP send it again.
	layersGetJSON(t, ts, "/api/layers/tcp-data?drop=3", http.StatusOK, &sc)
	if !sc.Packets[3].Dropped {
		t.Errorf("packet 3 not dropped")
	}
	retrans := 0
	for _, p := range sc.Packets {
		if p.Retransmission {
			retrans++
		}
	}
	if retrans == 0 {
		t.Errorf("no retransmission after dropping packet 3")
	}
}

func TestLayersAPIBadParams(t *testing.T) {
	ts := newTestServer(t, testContent())
	tests := []struct {
		query string
		param string
	}{
		{"client_port=abc", "client_port"},
		{"server_port=0", "server_port"},
		{"client_ip=1.2.3", "client_ip"},
		{"server_ip=127.0.0.1", "server_ip"},
		{"message=", "message"},
		{"mtu=9000", "mtu"},
		{"ttl=300", "ttl"},
		{"drop=two", "drop"},
		{"observed=password", "observed"},
		{"client_mac=zz", "client_mac"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			for _, suffix := range []string{"", ".pcap", ".pcapng"} {
				var body paramErrorBody
				layersGetJSON(t, ts, "/api/layers/tcp-data"+suffix+"?"+tt.query, http.StatusBadRequest, &body)
				if body.Param != tt.param || !strings.HasPrefix(body.Error, tt.param+": ") {
					t.Errorf("%s: error %q, param %q; want it to name %s", suffix, body.Error, body.Param, tt.param)
				}
				if len(body.Errors) == 0 || body.Errors[0].Message == "" || body.Errors[0].Label == "" {
					t.Errorf("%s: errors = %+v", suffix, body.Errors)
				}
			}
		})
	}

	// Every bad parameter is reported, so a form can mark them all.
	var body paramErrorBody
	layersGetJSON(t, ts, "/api/layers/udp?client_port=x&server_ip=nope&ttl=0", http.StatusBadRequest, &body)
	var got []string
	for _, p := range body.Errors {
		got = append(got, p.Param)
	}
	if strings.Join(got, ",") != "client_port,server_ip,ttl" {
		t.Errorf("reported %v", got)
	}

	// router-hop needs a TTL the router can lower.
	layersGetJSON(t, ts, "/api/layers/router-hop?ttl=1", http.StatusBadRequest, &body)
	if body.Param != "ttl" {
		t.Errorf("router-hop ttl=1: %+v", body)
	}
}

func TestLayersAPIUnknown(t *testing.T) {
	ts := newTestServer(t, testContent())
	for _, path := range []string{"/api/layers/nope", "/api/layers/nope.pcap", "/api/layers/nope.pcapng", "/api/layers/nope?client_port=abc", "/api/layers/.pcap", "/api/layers/.pcapng"} {
		var body map[string]string
		layersGetJSON(t, ts, path, http.StatusNotFound, &body)
		if !strings.Contains(body["error"], "scenario") {
			t.Errorf("GET %s error = %q", path, body["error"])
		}
	}
}

// pcapRecords checks a classic pcap file's header and counts its records.
func pcapRecords(t *testing.T, b []byte) int {
	t.Helper()
	if len(b) < 24 {
		t.Fatalf("pcap of %d bytes", len(b))
	}
	var order binary.ByteOrder
	switch {
	case string(b[:4]) == "\xd4\xc3\xb2\xa1":
		order = binary.LittleEndian
	case string(b[:4]) == "\xa1\xb2\xc3\xd4":
		order = binary.BigEndian
	default:
		t.Fatalf("pcap magic = %x", b[:4])
	}
	if lt := order.Uint32(b[20:]); lt != 1 {
		t.Errorf("link type = %d, want 1 (Ethernet)", lt)
	}
	n := 0
	for off := 24; off < len(b); n++ {
		if off+16 > len(b) {
			t.Fatalf("truncated record header at %d", off)
		}
		incl := int(order.Uint32(b[off+8:]))
		off += 16 + incl
		if off > len(b) {
			t.Fatalf("record %d runs past the end", n)
		}
	}
	return n
}

// pcapngLinks reads a pcapng file and returns the name of the interface
// each packet was captured on.
func pcapngLinks(t *testing.T, b []byte) []string {
	t.Helper()
	r, err := pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("pcapng: %v", err)
	}
	var out []string
	for {
		_, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("pcapng packet %d: %v", len(out), err)
		}
		intf, err := r.Interface(ci.InterfaceIndex)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, intf.Name)
	}
}

func TestLayersPcap(t *testing.T) {
	ts := newTestServer(t, testContent())
	tests := []struct {
		path, ext string
		ng        bool // the answer is pcapng
		links     int
	}{
		{"/api/layers/tcp-handshake", ".pcap", false, 1},
		{"/api/layers/tcp-loss?drop=3,4", ".pcap", false, 1},
		{"/api/layers/tcp-loss?drop=3,4", ".pcapng", true, 1},
		// Two links do not fit classic pcap: .pcap serves pcapng too.
		{"/api/layers/router-hop?message=hi", ".pcap", true, 2},
		{"/api/layers/router-hop?message=hi", ".pcapng", true, 2},
	}
	for _, tt := range tests {
		var sc layers.Scenario
		layersGetJSON(t, ts, tt.path, http.StatusOK, &sc)
		pcapPath := strings.Replace(tt.path, "/"+sc.ID, "/"+sc.ID+tt.ext, 1)
		status, body, h := get(t, ts, pcapPath)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", pcapPath, status, body)
		}
		wantCT, wantName := "application/vnd.tcpdump.pcap", sc.ID+".pcap"
		if tt.ng {
			wantCT, wantName = "application/x-pcapng", sc.ID+".pcapng"
		}
		if ct := h.Get("Content-Type"); ct != wantCT {
			t.Errorf("%s: Content-Type = %q, want %q", pcapPath, ct, wantCT)
		}
		if cd := h.Get("Content-Disposition"); cd != `attachment; filename="`+wantName+`"` {
			t.Errorf("%s: Content-Disposition = %q", pcapPath, cd)
		}
		if !tt.ng {
			if n := pcapRecords(t, []byte(body)); n != len(sc.Packets) {
				t.Errorf("%s: %d records, want %d (one per packet)", pcapPath, n, len(sc.Packets))
			}
			continue
		}
		got := pcapngLinks(t, []byte(body))
		if len(got) != len(sc.Packets) {
			t.Fatalf("%s: %d packets, want %d", pcapPath, len(got), len(sc.Packets))
		}
		seen := map[string]bool{}
		for i, name := range got {
			seen[name] = true
			if p := sc.Packets[i]; name != p.From+"-"+p.To && name != p.To+"-"+p.From {
				t.Errorf("%s: packet %d (%s→%s) on interface %q", pcapPath, i, p.From, p.To, name)
			}
		}
		if len(seen) != tt.links {
			t.Errorf("%s: interfaces %v, want %d", pcapPath, seen, tt.links)
		}
	}
}

func TestLayersPage(t *testing.T) {
	ts := newTestServer(t, testContent())
	status, body, _ := get(t, ts, "/layers")
	if status != http.StatusOK {
		t.Fatalf("GET /layers = %d", status)
	}
	for _, in := range layers.Scenarios() {
		if !strings.Contains(body, `value="`+in.ID+`"`) || !strings.Contains(body, in.Title) {
			t.Errorf("page does not list %s (%s)", in.ID, in.Title)
		}
	}
	// Without JavaScript the default scenario is still told in words.
	sc, err := layers.Build("tcp-handshake", layers.DefaultParamsFor("tcp-handshake"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(body, "<li><strong>"); n != len(sc.Steps) {
		t.Errorf("page describes %d steps, want %d", n, len(sc.Steps))
	}
	if !strings.Contains(body, "three-way handshake with a SYN") {
		t.Errorf("page lacks the first step's description")
	}
	for _, want := range []string{`/static/css/layers.css?v=`, `/static/js/layers.js?v=`, `aria-live="polite"`, `aria-current="page">Layers`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The CSP forbids inline styles and scripts: the page must not need them.
	if regexp.MustCompile(`\sstyle="`).MatchString(body) || regexp.MustCompile(`<script>`).MatchString(body) {
		t.Errorf("page has an inline style or script")
	}
	// The defaults the script reads are valid JSON with every scenario.
	m := regexp.MustCompile(`(?s)<script type="application/json" id="layers-defaults">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no defaults block")
	}
	var defaults map[string]map[string]string
	if err := json.Unmarshal([]byte(m[1]), &defaults); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if defaults["router-hop"]["server_ip"] != "203.0.113.80" || defaults["udp"]["message"] != "Hello" {
		t.Errorf("defaults = %v", defaults)
	}
}

func TestLayersPageParams(t *testing.T) {
	ts := newTestServer(t, testContent())
	status, body, _ := get(t, ts, "/layers?scenario=udp&message=Hi+%3Cb%3Ethere&client_port=5000&client_mac=02:00:00:aa:00:99&observed=message")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		`<option value="udp" selected>`,
		`value="Hi &lt;b&gt;there"`,
		`value="5000"`,
		`name="client_mac" value="02:00:00:aa:00:99"`,
		`id="observed" name="observed" value="message"`,
		`href="/api/layers/udp.pcapng?client_mac=02%3A00%3A00%3Aaa%3A00%3A99&amp;client_port=5000&amp;message=Hi&#43;%3Cb%3Ethere&amp;observed=message"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "<b>there") {
		t.Errorf("the message was not escaped")
	}

	status, body, _ = get(t, ts, "/layers?client_port=abc&ttl=0")
	if status != http.StatusBadRequest {
		t.Errorf("bad params: status %d, want 400", status)
	}
	for _, want := range []string{`href="#client_port">Client port</a>`, `href="#ttl">Time to live</a>`, `id="addresses" open`, `aria-invalid="true"`} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %s", want)
		}
	}

	status, body, _ = get(t, ts, "/layers?scenario=nope")
	if status != http.StatusNotFound || !strings.Contains(body, "no scenario called") || !strings.Contains(body, `value="tcp-handshake"`) {
		t.Errorf("unknown scenario: status %d", status)
	}
}
