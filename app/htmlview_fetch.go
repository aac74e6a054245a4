package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// htmlFetcher fetches remote images after the reader asked for them:
// GET over http or https only, a time limit per image, a size limit, a few
// at a time, and the whole batch cancellable.
type htmlFetcher struct {
	client    *http.Client
	maxBytes  int64
	maxImages int
	parallel  int
}

func newHTMLFetcher() *htmlFetcher {
	return &htmlFetcher{
		client: &http.Client{
			Timeout: 20 * time.Second,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("too many redirects")
				}
				if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
					return fmt.Errorf("redirect to a %s: URL", req.URL.Scheme)
				}
				return nil
			},
		},
		maxBytes:  htmlImageMaxBytes,
		maxImages: htmlMaxImages,
		parallel:  4,
	}
}

// all fetches and decodes urls (at most maxImages of them) and returns a
// picture or an error for each. It blocks until every fetch is done or
// ctx is cancelled; call it off the Fyne goroutine.
func (f *htmlFetcher) all(ctx context.Context, urls []string) map[string]*htmlPic {
	if len(urls) > f.maxImages {
		urls = urls[:f.maxImages]
	}
	out := make(map[string]*htmlPic, len(urls))
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, f.parallel)
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				mu.Lock()
				out[u] = &htmlPic{err: ctx.Err()}
				mu.Unlock()
				return
			}
			p := f.one(ctx, u)
			mu.Lock()
			out[u] = p
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// one fetches one image.
func (f *htmlFetcher) one(ctx context.Context, u string) *htmlPic {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return &htmlPic{err: err}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &htmlPic{err: fmt.Errorf("not fetching a %s: URL", req.URL.Scheme)}
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif")
	resp, err := f.client.Do(req)
	if err != nil {
		return &htmlPic{err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &htmlPic{err: fmt.Errorf("HTTP %s", resp.Status)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return &htmlPic{err: err}
	}
	if int64(len(data)) > f.maxBytes {
		return &htmlPic{err: fmt.Errorf("image larger than %d bytes", f.maxBytes)}
	}
	return htmlDecodeImage(data)
}
