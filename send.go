package main

import (
	"fmt"
	"os"
)

func runSend(args []string) int {
	fmt.Fprintln(os.Stderr, "letterbox send: the client is being built")
	return 1
}
