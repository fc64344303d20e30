package layers

import (
	"encoding/binary"
	"hash/crc32"
)

// Checksum is the Internet checksum of RFC 1071 over the concatenation of
// parts: the one's complement of the one's-complement sum of 16-bit words.
// IPv4, TCP and UDP all use it. Parts are summed as if joined, so an odd-length
// part followed by another still pairs its last byte with the next one.
func Checksum(parts ...[]byte) uint16 {
	var sum uint32
	var odd bool // true when the previous part left a byte waiting for its pair
	var hi byte
	for _, p := range parts {
		for _, b := range p {
			if odd {
				sum += uint32(hi)<<8 | uint32(b)
			} else {
				hi = b
			}
			odd = !odd
		}
	}
	if odd {
		sum += uint32(hi) << 8 // RFC 1071: pad the last odd byte with zero
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// FCS is the Ethernet frame check sequence of frame (destination MAC through
// padding): the IEEE 802.3 CRC-32, the same polynomial as zip and PNG.
// It goes on the wire least significant byte first, which is why
// AppendFCS writes it little-endian.
func FCS(frame []byte) uint32 {
	return crc32.ChecksumIEEE(frame)
}

// AppendFCS returns frame with its FCS appended as it is sent.
func AppendFCS(frame []byte) []byte {
	return binary.LittleEndian.AppendUint32(frame, FCS(frame))
}

// pseudoHeader is the part of the IPv4 header that TCP and UDP checksums
// cover (RFC 793, RFC 768), so that a segment delivered to the wrong address
// fails its checksum.
func pseudoHeader(src, dst [4]byte, proto uint8, length int) []byte {
	ph := make([]byte, 12)
	copy(ph[0:4], src[:])
	copy(ph[4:8], dst[:])
	ph[9] = proto
	binary.BigEndian.PutUint16(ph[10:], uint16(length))
	return ph
}
