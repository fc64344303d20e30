package layers

import "fmt"

// The TLS scenario: a TLS 1.3 handshake over TCP port 443, then the
// request and its answer as encrypted records.

const (
	tlsServerName = "www.example.com"
	tlsPort       = 443
	bulkPort      = 5001 // iperf's
	// tlsServerFlight is the size of the server's encrypted handshake
	// messages (EncryptedExtensions, Certificate, CertificateVerify,
	// Finished): a short certificate chain.
	tlsServerFlight = 1100
	tlsFinishedLen  = 53 // the client's Finished: 32 bytes of MAC, 4 of header, 1 of type, and the tag
)

func runTLS(s *sim) error {
	c, sv := s.client, s.server
	if err := s.handshake(false); err != nil {
		return err
	}
	tuple := fmt.Sprintf("%v:%d %v:%d", c.ip, c.port, sv.ip, sv.port)
	var ch tlsBuilder
	ch.hello(true, opaque(tuple+" client random", 32), opaque(tuple+" session", 32),
		clientHelloExts(tlsServerName, opaque(tuple+" client key", 32)))
	if err := s.transfer(c, write{app: ch.app("Transport Layer Security (ClientHello)"), caption: "TLS ClientHello",
		appWhy: fmt.Sprintf("The browser opens https://%s/. Once TCP is connected, TLS starts with a ClientHello, in the clear: 32 random bytes, the cipher suites it can use, and extensions, among them server_name (SNI) with %s, so that a server hosting many sites picks the right certificate, supported_versions saying TLS 1.3, and key_share with its half of an x25519 key exchange. Anyone on the path can read the name.",
			tlsServerName, tlsServerName),
		recvWhy: "The server's TLS reads the ClientHello: TLS 1.3, AES-128-GCM, x25519. With the client's key share and its own it can already compute the handshake keys.",
	}); err != nil {
		return err
	}

	var sh tlsBuilder
	sh.hello(false, opaque(tuple+" server random", 32), opaque(tuple+" session", 32), serverHelloExts(opaque(tuple+" server key", 32)))
	sh.changeCipherSpec()
	sh.opaqueRecord(tuple+" server flight", tlsServerFlight, "EncryptedExtensions, Certificate, CertificateVerify and Finished")
	if err := s.transfer(sv, write{app: sh.app("Transport Layer Security (ServerHello, encrypted handshake)"), caption: "TLS ServerHello, encrypted handshake",
		appWhy:  "The server answers with a ServerHello, still in the clear: its random bytes, the cipher suite it chose, TLS_AES_128_GCM_SHA256, and its own key share. From here on everything is encrypted. Its certificate, the signature that proves it holds the certificate's key, and its Finished message travel in a record whose outer type says application data: an observer sees only the lengths. A change cipher spec record, which TLS 1.3 ignores, goes along for old middleboxes.",
		recvWhy: fmt.Sprintf("The client computes the same handshake keys from the two key shares, decrypts the server's messages, checks that the certificate is valid for %s and signed by an authority it trusts, checks the signature and the Finished message.", tlsServerName),
	}); err != nil {
		return err
	}

	request := fmt.Sprintf("GET / HTTP/1.1\r\nHost: %s\r\n\r\n", tlsServerName)
	var cf tlsBuilder
	cf.changeCipherSpec()
	cf.opaqueRecord(tuple+" client finished", tlsFinishedLen, "the client's Finished")
	cf.opaqueRecord(tuple+" request", len(request)+1+tlsAEADTagLen, "the HTTP request")
	if err := s.transfer(c, write{app: cf.app("Transport Layer Security (encrypted)"), caption: "TLS Finished, encrypted request",
		appWhy:  "The client sends its own Finished, then the HTTP request, each in an encrypted record: the bytes plus one byte of the real content type and a 16-byte authentication tag. The path, the headers and the cookies are all hidden; the server's address, the port and the lengths are not.",
		recvWhy: "The server decrypts the records with the client's traffic key; the tags check out, so nothing was changed on the way. It reads the request.",
	}); err != nil {
		return err
	}

	var resp tlsBuilder
	resp.opaqueRecord(tuple+" response", 180, "the HTTP response")
	return s.transfer(sv, write{app: resp.app("Transport Layer Security (encrypted)"), caption: "TLS encrypted response",
		appWhy:  "The server sends its answer in another encrypted record. To anyone on the path it is 180 bytes of application data.",
		recvWhy: "The browser decrypts the response and shows the page, with a padlock: the connection is private and the server proved it is " + tlsServerName + ".",
	})
}
