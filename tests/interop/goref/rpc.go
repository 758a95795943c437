package main

// net/rpc + encoding/gob peers for the C++ rpc module and dmsgpty (tests/interop/rpc_pty_interop_test.cpp).
// The types and method signatures mirror dmsg pkg/dmsgpty (pty_gateway.go: WinSize,
// CommandReq, the PtyGateway interface; const.go: service "pty", URI "dmsgpty/pty";
// rpc_util.go: the u8-length request and the one-byte response) field for field, so gob sees
// the same shapes a Go dmsgpty host or client uses. Standard library only.
//
//	rpc-pty-server   listens on 127.0.0.1:0, prints the address, then acts as a dmsgpty host
//	                 for every connection: reads the request, answers 0 for "dmsgpty/pty" (1
//	                 otherwise) and serves net/rpc with a canned "pty" gateway (no real pty):
//	                 Read returns one line describing what Start/Write/SetPtySize received,
//	                 then Go's EIO text. Runs until killed.
//	rpc-pty-client -addr A [-cmd N] [-arg X]...
//	                 dials a dmsgpty host, does the handshake and drives it like Go's
//	                 dmsgpty CLI: Start(cmd,args,size 24x80), Write("ping\n"),
//	                 SetPtySize(40x120), Read until an error, Stop, plus an unknown method and an
//	                 unknown service. Prints one "key=value" line per result (values quoted
//	                 with %q).

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
	"strings"
	"sync"
)

// WinSize mirrors dmsgpty.WinSize.
type WinSize struct {
	X    uint16
	Y    uint16
	Rows uint16
	Cols uint16
}

// CommandReq mirrors dmsgpty.CommandReq.
type CommandReq struct {
	Name string
	Arg  []string
	Size *WinSize
}

// CannedPty has the method set of dmsgpty.PtyGateway.
type CannedPty struct {
	mu      sync.Mutex
	started *CommandReq
	written []byte
	size    *WinSize
	reads   int
}

func (g *CannedPty) Start(req *CommandReq, _ *struct{}) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started != nil {
		return errors.New("a pty session is already running")
	}
	if req.Name == "missing" {
		return errors.New(`exec: "missing": executable file not found in $PATH`)
	}
	g.started = req
	g.size = req.Size
	return nil
}

func (g *CannedPty) Stop(_, _ *struct{}) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started == nil {
		return errors.New("no active pty session")
	}
	g.started = nil
	return nil
}

func (g *CannedPty) Read(reqN *int, respB *[]byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started == nil {
		return errors.New("no active pty session")
	}
	g.reads++
	if g.reads > 1 {
		return errors.New("read /dev/ptmx: input/output error")
	}
	size := "nil"
	if g.size != nil {
		size = fmt.Sprintf("%d,%d,%d,%d", g.size.X, g.size.Y, g.size.Rows, g.size.Cols)
	}
	line := fmt.Sprintf("go-pty name=%s args=%s size=%s wrote=%q\n", g.started.Name,
		strings.Join(g.started.Arg, ","), size, g.written)
	b := []byte(line)
	if len(b) > *reqN {
		b = b[:*reqN]
	}
	*respB = b
	return nil
}

func (g *CannedPty) Write(reqB *[]byte, respN *int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started == nil {
		return errors.New("no active pty session")
	}
	g.written = append(g.written, *reqB...)
	*respN = len(*reqB)
	return nil
}

func (g *CannedPty) SetPtySize(size *WinSize, _ *struct{}) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started == nil {
		return errors.New("no active pty session")
	}
	s := *size
	g.size = &s
	return nil
}

// readRequest/writeResponse follow dmsgpty rpc_util.go.
func readPtyRequest(r io.Reader) (string, error) {
	prefix := make([]byte, 1)
	if _, err := io.ReadFull(r, prefix); err != nil {
		return "", err
	}
	raw := make([]byte, prefix[0])
	if _, err := io.ReadFull(r, raw); err != nil {
		return "", err
	}
	return strings.TrimPrefix(string(raw), "/"), nil
}

func rpcPtyServer() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die(1, "listen: %v", err)
	}
	fmt.Println(lis.Addr().String())
	os.Stdout.Sync() //nolint:errcheck
	for {
		conn, err := lis.Accept()
		if err != nil {
			die(1, "accept: %v", err)
		}
		go func(c net.Conn) {
			defer c.Close() //nolint:errcheck
			uri, err := readPtyRequest(c)
			if err != nil {
				return
			}
			if uri != "dmsgpty/pty" {
				_, _ = c.Write([]byte{1})
				return
			}
			if _, err := c.Write([]byte{0}); err != nil {
				return
			}
			srv := rpc.NewServer()
			if err := srv.RegisterName("pty", &CannedPty{}); err != nil {
				die(1, "register: %v", err)
			}
			srv.ServeConn(c)
		}(conn)
	}
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func rpcPtyClient(args []string) {
	fs := flag.NewFlagSet("rpc-pty-client", flag.ExitOnError)
	addr := fs.String("addr", "", "host:port of the dmsgpty host")
	cmd := fs.String("cmd", "/bin/echo", "command to start")
	var cmdArgs multiFlag
	fs.Var(&cmdArgs, "arg", "command argument (repeatable)")
	_ = fs.Parse(args)

	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		die(1, "dial: %v", err)
	}
	uri := "dmsgpty/pty"
	w := bufio.NewWriter(conn)
	_ = w.WriteByte(byte(len(uri)))
	_, _ = w.WriteString(uri)
	if err := w.Flush(); err != nil {
		die(1, "request: %v", err)
	}
	resp := make([]byte, 1)
	if _, err := io.ReadFull(conn, resp); err != nil {
		die(1, "response: %v", err)
	}
	fmt.Printf("accepted=%q\n", fmt.Sprint(resp[0] == 0))
	if resp[0] != 0 {
		return
	}
	c := rpc.NewClient(conn)
	defer c.Close() //nolint:errcheck
	var empty struct{}
	report := func(key string, err error) {
		if err != nil {
			fmt.Printf("%s=%q\n", key, "error: "+err.Error())
		} else {
			fmt.Printf("%s=%q\n", key, "ok")
		}
	}
	report("start", c.Call("pty.Start", &CommandReq{Name: *cmd, Arg: cmdArgs, Size: &WinSize{Rows: 24, Cols: 80}}, &empty))
	b := []byte("ping\n")
	var n int
	err = c.Call("pty.Write", &b, &n)
	report("write", err)
	fmt.Printf("write_n=%q\n", fmt.Sprint(n))
	report("size", c.Call("pty.SetPtySize", &WinSize{X: 1, Y: 2, Rows: 40, Cols: 120}, &empty))
	var out []byte
	for {
		reqN := 32 * 1024
		var chunk []byte
		err := c.Call("pty.Read", &reqN, &chunk)
		if err != nil {
			fmt.Printf("read_end=%q\n", err.Error())
			break
		}
		out = append(out, chunk...)
	}
	fmt.Printf("output=%q\n", string(out))
	report("unknown_method", c.Call("pty.Nope", &empty, &empty))
	report("unknown_service", c.Call("nope.Read", &empty, &empty))
	report("stop", c.Call("pty.Stop", &empty, &empty))
	report("stop_again", c.Call("pty.Stop", &empty, &empty))
}
