// KCP peers for the interop tests (tests/interop/kcp_interop_test.cpp), using kcp-go v5 the way
// Skywire's sudph does: no block crypt, no FEC (ListenWithOptions/DialWithOptions(addr, nil, 0, 0)).
//
//	kcp-echo                  listens on 127.0.0.1:0, prints the port as one line, echoes every
//	                          message of every accepted session back unchanged until stdin closes.
//	kcp-dial <host:port> <n>  dials, writes n messages of sizes 1..1376 (one Write each), reads
//	                          the echo back as a stream and compares; prints "ok". 20 s deadline.
package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/xtaci/kcp-go/v5"
)

const kcpMss = 1376 // kcp-go's default MTU 1400 minus the 24-byte segment header

func kcpEcho() {
	l, err := kcp.ListenWithOptions("127.0.0.1:0", nil, 0, 0)
	if err != nil {
		die(1, "kcp listen: %v", err)
	}
	fmt.Println(l.Addr().(*net.UDPAddr).Port)
	go func() {
		for {
			s, err := l.AcceptKCP()
			if err != nil {
				return
			}
			go func(s *kcp.UDPSession) {
				defer s.Close()
				buf := make([]byte, 64*1024)
				for {
					n, err := s.Read(buf)
					if err != nil {
						return
					}
					if _, err := s.Write(buf[:n]); err != nil {
						return
					}
				}
			}(s)
		}
	}()
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = l.Close()
}

// kcpMessage is message i of a kcp-dial run: size 1..kcpMss, content derived from i.
func kcpMessage(i int) []byte {
	size := 1 + (i*997)%kcpMss
	if i%7 == 0 {
		size = kcpMss
	}
	m := make([]byte, size)
	for j := range m {
		m[j] = byte(i*131 + j*7 + 1)
	}
	return m
}

func kcpDial(args []string) {
	if len(args) != 2 {
		die(2, "usage: goref kcp-dial <host:port> <n>")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n <= 0 {
		die(2, "kcp-dial: bad message count %q", args[1])
	}
	s, err := kcp.DialWithOptions(args[0], nil, 0, 0)
	if err != nil {
		die(1, "kcp dial: %v", err)
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(20 * time.Second))

	var want bytes.Buffer
	for i := 0; i < n; i++ {
		want.Write(kcpMessage(i))
	}
	writeErr := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			if _, err := s.Write(kcpMessage(i)); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}()
	got := make([]byte, want.Len())
	if _, err := io.ReadFull(s, got); err != nil {
		die(1, "kcp-dial: read echo: %v", err)
	}
	if err := <-writeErr; err != nil {
		die(1, "kcp-dial: write: %v", err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		for i := range got {
			if got[i] != want.Bytes()[i] {
				die(1, "kcp-dial: echo differs at byte %d of %d", i, len(got))
			}
		}
	}
	fmt.Println("ok")
}
