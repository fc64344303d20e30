package layers

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/google/gopacket"
	gl "github.com/google/gopacket/layers"
)

// tlsPayloads returns the TCP payloads of the TLS scenario's data segments
// in order.
func tlsPayloads(t *testing.T, s *Scenario) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range s.Packets {
		pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
		if tcp, ok := pkt.Layer(gl.LayerTypeTCP).(*gl.TCP); ok && len(tcp.Payload) > 0 {
			out = append(out, tcp.Payload)
		}
	}
	return out
}

// TestTLSClientHelloParsesInGo hands the scenario's ClientHello to Go's own
// TLS server, an independent parser: it must read SNI, TLS 1.3 and the
// cipher suites from it.
func TestTLSClientHelloParsesInGo(t *testing.T) {
	s, err := Build("tls", DefaultParamsFor("tls"))
	if err != nil {
		t.Fatal(err)
	}
	payloads := tlsPayloads(t, s)
	if len(payloads) != 4 {
		t.Fatalf("%d TLS segments, want 4", len(payloads))
	}
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() { // the client: sends the ClientHello, reads whatever comes back until closed
		defer close(done)
		_, _ = client.Write(payloads[0])
		_, _ = io.Copy(io.Discard, client)
	}()
	defer func() { client.Close(); <-done }()
	var hello *tls.ClientHelloInfo
	stop := errors.New("seen enough")
	err = tls.Server(server, &tls.Config{GetConfigForClient: func(chi *tls.ClientHelloInfo) (*tls.Config, error) {
		hello = chi
		return nil, stop
	}}).Handshake()
	server.Close()
	if hello == nil {
		t.Fatalf("Go's TLS could not read the ClientHello: %v", err)
	}
	if hello.ServerName != tlsServerName {
		t.Errorf("SNI %q, want %q", hello.ServerName, tlsServerName)
	}
	if len(hello.SupportedVersions) != 1 || hello.SupportedVersions[0] != tls.VersionTLS13 {
		t.Errorf("versions %x, want TLS 1.3", hello.SupportedVersions)
	}
	if len(hello.CipherSuites) != 3 || hello.CipherSuites[0] != tls.TLS_AES_128_GCM_SHA256 {
		t.Errorf("cipher suites %x", hello.CipherSuites)
	}
}

// TestTLSRecords has gopacket read every segment's records: a handshake
// record each way, then change cipher spec and application data only.
func TestTLSRecords(t *testing.T) {
	s, err := Build("tls", DefaultParamsFor("tls"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]gl.TLSType{
		{gl.TLSHandshake},
		{gl.TLSHandshake, gl.TLSChangeCipherSpec, gl.TLSApplicationData},
		{gl.TLSChangeCipherSpec, gl.TLSApplicationData, gl.TLSApplicationData},
		{gl.TLSApplicationData},
	}
	for i, b := range tlsPayloads(t, s) {
		pkt := gopacket.NewPacket(b, gl.LayerTypeTLS, gopacket.Default)
		if e := pkt.ErrorLayer(); e != nil {
			t.Fatalf("segment %d: %v", i, e.Error())
		}
		tl, ok := pkt.Layer(gl.LayerTypeTLS).(*gl.TLS)
		if !ok {
			t.Fatalf("segment %d: no TLS", i)
		}
		var got []gl.TLSType
		for _, r := range tl.Handshake {
			got = append(got, r.ContentType)
		}
		for _, r := range tl.ChangeCipherSpec {
			got = append(got, r.ContentType)
		}
		for _, r := range tl.AppData {
			got = append(got, r.ContentType)
		}
		if len(got) != len(want[i]) {
			t.Errorf("segment %d: records %v, want %v", i, got, want[i])
		}
	}
	// The ServerHello picks TLS_AES_128_GCM_SHA256 and TLS 1.3.
	sh := tlsPayloads(t, s)[1]
	if sh[5] != 2 || sh[5+4+2+32+1+32] != 0x13 || sh[5+4+2+32+1+32+1] != 0x01 {
		t.Errorf("ServerHello % x", sh[:80])
	}
}
