package web

import (
	"testing/fstest"
)

// testContent is a small content folder in the students' format, written
// for these tests.
func testContent() fstest.MapFS {
	return fstest.MapFS{
		"routing.md": {Data: []byte(`# Notes: Routing

Every router reads the destination address of each packet it receives.

### What does a router do?

It forwards **packets** between networks, choosing the next hop from its routing table.

### What is TTL for?

Each router lowers the Time To Live by one, so a looping packet dies.

## Vocabulary

**Router:** A device that forwards packets between networks.

**Packet:** A unit of data at the network layer.
`)},
		"xss.md": {Data: []byte(`# Hostile note

<script>window.__pwned = 1</script>

<img src=x onerror="window.__pwned = 2">

[click me](javascript:window.__pwned=3)

### Is this safe?

Yes: none of the above runs.
`)},
		"quizzes/.keep": {Data: nil},
		"quizzes/practice-basics.md": {Data: []byte(`---
title: Practice basics
description: One question of every kind.
---

## Which layer does a router work at?

- [ ] Transport
- [x] Network
- [ ] Application

> Routers forward packets by their **IP address**, at the network layer.

## Which of these are transport-layer protocols?

Type: multiple

- [x] TCP
- [x] UDP
- [ ] IP

> IP belongs to the network layer.

## TTL stands for Time To Live.

- [x] True
- [ ] False

## Which topic should we review next?

Type: poll

- [ ] Routing
- [ ] DNS

## How many bits long is an IPv4 address?

Answer: 32
Match: number

## Write the block 10.0.0.0 with mask 255.0.0.0 in CIDR notation.

Answer: 10.0.0.0/8
Match: cidr

> 255.0.0.0 has eight one bits.
`)},
	}
}
