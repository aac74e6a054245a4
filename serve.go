package main

import (
	"fmt"
	"os"
)

func runServe(args []string) int {
	fmt.Fprintln(os.Stderr, "letterbox serve: the server is being built")
	return 1
}
