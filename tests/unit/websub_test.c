/*
 * websub: the requests a hub gets (hub.mode=publish, each topic as
 * hub.url and hub.topic, escaped, at most batch a request), and pings a
 * failing hub did not take kept in .feedd/pings for the next run.  The
 * hub is a one-thread HTTP server on the loopback.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/config.h"
#include "../../src/outdir.h"
#include "../../src/websub.h"
#include "test.h"

struct hub {
	int		 listener;
	int		 status;	/* what it answers */
	char		 bodies[8][1024];
	int		 nbodies;
};

/* Serve requests until the listener is shut down. */
static void *
serve(void *arg)
{
	struct hub	*h = arg;
	char		 req[4096], *body, *cl, answer[64];
	ssize_t		 n, got;
	size_t		 len;
	int		 c;

	while ((c = accept(h->listener, NULL, NULL)) != -1) {
		got = 0;
		body = NULL;
		while ((n = read(c, req + got, sizeof req - 1 - (size_t)got)) > 0) {
			got += n;
			req[got] = '\0';
			if ((body = strstr(req, "\r\n\r\n")) == NULL)
				continue;
			body += 4;
			cl = strcasestr(req, "Content-Length: ");
			len = cl != NULL ? strtoul(cl + 16, NULL, 10) : 0;
			if ((size_t)(req + got - body) >= len)
				break;
		}
		if (body != NULL && h->nbodies < 8)
			snprintf(h->bodies[h->nbodies++], sizeof h->bodies[0],
			    "%s", body);
		snprintf(answer, sizeof answer, "HTTP/1.1 %d X\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n", h->status);
		if (write(c, answer, strlen(answer)) < 0)
			perror("write");
		close(c);
	}
	return (NULL);
}

int
main(void)
{
	char		 dir[] = "/tmp/feedd-websub-test.XXXXXX", url[64];
	char		 cmd[128], *hubs[2] = { url, NULL }, *cause = NULL;
	struct sockaddr_in sa;
	socklen_t	 salen = sizeof sa;
	struct config	 cfg;
	struct outdir	*out;
	struct websub	*ws;
	struct hub	 hub;
	pthread_t	 t;

	memset(&hub, 0, sizeof hub);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((hub.listener = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(hub.listener, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    listen(hub.listener, 8) == -1 ||
	    getsockname(hub.listener, (struct sockaddr *)&sa, &salen) == -1 ||
	    mkdtemp(dir) == NULL)
		return (1);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/hub",
	    ntohs(sa.sin_port));
	if ((out = outdir_open(dir, NULL, &cause)) == NULL)
		return (1);
	pthread_create(&t, NULL, serve, &hub);
	memset(&cfg, 0, sizeof cfg);
	cfg.hubs = hubs;
	cfg.hub_batch = 2;
	cfg.hub_timeout = 5;

	/* A failing hub: nothing taken, everything kept. */
	hub.status = 500;
	ws = websub_create(&cfg, out);
	CHECK(ws != NULL && websub_saved_ns(ws) == -1);
	websub_publish(ws, "https://e.org/feed.xml");
	websub_publish(ws, "https://e.org/a b&c.xml");
	websub_publish(ws, "https://e.org/feed.rss");
	websub_finish(ws, 5000);
	websub_free(ws);
	CHECK(hub.nbodies == 1);

	/* The next run loads them and delivers them, two a request. */
	hub.status = 204;
	hub.nbodies = 0;
	ws = websub_create(&cfg, out);
	CHECK(ws != NULL && websub_saved_ns(ws) > 0);
	websub_finish(ws, 5000);
	websub_free(ws);
	CHECK(hub.nbodies == 2);
	CHECK(strncmp(hub.bodies[0], "hub.mode=publish&hub.url=", 25) == 0);
	CHECK(strstr(hub.bodies[0], "&hub.topic=") != NULL);
	CHECK(strstr(hub.bodies[0], "https%3A%2F%2Fe.org%2Fa%20b%26c.xml") !=
	    NULL || strstr(hub.bodies[1], "https%3A%2F%2Fe.org%2Fa%20b%26c.xml")
	    != NULL);
	/* Three topics, each once as hub.url, at most two a request. */
	CHECK(strstr(strstr(hub.bodies[0], "hub.url=") + 1, "hub.url=") !=
	    NULL);
	CHECK(strstr(strstr(hub.bodies[1], "hub.url=") + 1, "hub.url=") ==
	    NULL);

	/* Nothing left: a third run sends nothing. */
	hub.nbodies = 0;
	ws = websub_create(&cfg, out);
	websub_finish(ws, 2000);
	websub_free(ws);
	CHECK(hub.nbodies == 0);

	shutdown(hub.listener, SHUT_RDWR);
	close(hub.listener);
	pthread_join(t, NULL);
	outdir_free(out);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return (test_status());
}
