# Randomised cross-check with R survey 4.1-1: small random multistage samples and their estimates.
# Run from this folder:  Rscript make_random.R   -> random_samples.csv, random.json
suppressMessages({library(survey); library(jsonlite)})
set.seed(9)
samples <- list(); out <- list()
for (k in 1:12) {
  H <- sample(1:4, 1)
  rows <- list()
  for (h in 1:H) {
    npsu <- sample(2:5, 1); Npsu <- npsu * sample(1:6, 1)
    for (p in 1:npsu) {
      nssu <- sample(1:3, 1); Nssu <- nssu * sample(1:4, 1)
      effect <- rnorm(1, 0, 1)
      for (s in 1:nssu) {
        m <- sample(1:4, 1)
        rows[[length(rows) + 1]] <- data.frame(
          sample = k, stratum = h, psu = p, ssu = s, fpc1 = Npsu, fpc2 = Nssu,
          y = round(rnorm(m, 50 + 5 * effect, 10), 3), x = round(runif(m, 1, 3), 3),
          event = as.integer(runif(m) < plogis(-0.5 + effect)),
          g = sample(c("a", "b", "c"), m, replace = TRUE), w = round(runif(m, 1, 30), 3))
      }
    }
  }
  d <- do.call(rbind, rows)
  samples[[k]] <- d
  key <- function(name) paste0("sample ", k, ": ", name)
  stat <- function(name, s) {
    out[[key(name)]] <<- list(est = unname(coef(s))[1], se = unname(sqrt(diag(as.matrix(vcov(s)))))[1],
                              deff = if (is.null(attr(s, "deff"))) NULL else unname(diag(as.matrix(attr(s, "deff"))))[1])
  }
  # not "average": R gives NaN when a PSU has a single sampled SSU
  for (lonely in c("adjust", "certainty")) {
    options(survey.lonely.psu = lonely)
    two <- svydesign(id = ~psu + ssu, strata = ~stratum, fpc = ~fpc1 + fpc2, data = d, nest = TRUE)
    stat(paste(lonely, "two-stage mean y"), svymean(~y, two, deff = TRUE))
    stat(paste(lonely, "two-stage total y"), svytotal(~y, two, deff = TRUE))
  }
  options(survey.lonely.psu = "adjust")
  two <- svydesign(id = ~psu + ssu, strata = ~stratum, fpc = ~fpc1 + fpc2, data = d, nest = TRUE)
  stat("two-stage ratio y/x", svyratio(~y, ~x, two))
  out[[key("two-stage degf")]] <- degf(two)
  by <- svyby(~y, ~g, two, svymean)
  out[[key("two-stage by g mean y")]] <- list(labels = as.character(by$g), est = unname(coef(by)), se = unname(SE(by)))
  for (m in c("beta", "xlogit", "asin", "mean")) {
    p <- svyciprop(~I(event == 1), two, method = m)
    out[[key(paste("two-stage ciprop event", m))]] <- list(est = unname(p[1]), ci = unname(attr(p, "ci")))
  }
  weighted <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)
  stat("weighted mean y", svymean(~y, weighted, deff = TRUE))
  post <- postStratify(weighted, ~g, data.frame(g = c("a", "b", "c"), Freq = c(400, 300, 200))[c("a", "b", "c") %in% d$g, ])
  stat("weighted poststratified mean y", svymean(~y, post))
  jkn <- as.svrepdesign(weighted, type = "JKn")
  stat("weighted jkn mean y", svymean(~y, jkn))
}
options(survey.lonely.psu = "fail")
write.csv(do.call(rbind, samples), "random_samples.csv", row.names = FALSE)
writeLines(toJSON(out, digits = 15, auto_unbox = TRUE, pretty = TRUE, null = "null"), "random.json")
