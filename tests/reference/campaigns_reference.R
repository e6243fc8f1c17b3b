# Reference values for changes between two survey campaigns and for sparse strata, computed with R's
# survey package. Run from tests/reference/:  Rscript campaigns_reference.R  (writes campaigns_reference.json)
# Needs: apt-get install r-base-core r-cran-survey
suppressMessages(library(survey))

d <- read.csv("campaigns_data.csv", stringsAsFactors = FALSE, colClasses = c(campagne = "character"))
m <- read.csv("campaigns_margins.csv", stringsAsFactors = FALSE, colClasses = c(campagne = "character"))
threshold <- 10
questions <- c("q_global", "q_attente")
for (q in questions) d[[paste0(q, "_sat")]] <- as.numeric(d[[q]] %in% c(3, 4))

# The rule, written again here from its statement (INDICATORS / issue text), not from the Python code:
# a service with fewer than `threshold` respondents joins "autres" (with an existing "autres"); if that
# group is still short it joins the remaining service with the fewest respondents (ties: the smaller
# footfall, then the code's alphabetical order).
collapse_services <- function(dc, pop, other = "autres") {
  cats <- union(pop$modalite, unique(dc$service))
  count <- sapply(cats, function(c) sum(dc$service == c))
  foot <- sapply(cats, function(c) sum(pop$effectif[pop$modalite == c]))
  map <- setNames(cats, cats)
  map[cats != other & count < threshold] <- other
  pooled <- cats[map == other]
  remaining <- cats[map != other]
  if (length(pooled) > 0 && length(remaining) > 0 && sum(count[pooled]) < threshold) {
    receiver <- remaining[order(count[remaining], foot[remaining], remaining)[1]]
    map[pooled] <- receiver
  }
  map
}

num <- function(x) formatC(as.numeric(x), digits = 17, format = "g")
results <- list()
maps <- c()
for (campaign in c("2021", "2022")) {
  dc <- d[d$campagne == campaign, ]
  mc <- m[m$campagne == campaign, ]
  pop <- mc[mc$variable == "service", ]
  half <- mc[mc$variable == "demi_journee", ]
  map <- collapse_services(dc, pop)
  moved <- map[names(map) != map]
  maps <- c(maps, sprintf('"%s": {%s}', campaign,
                          paste(sprintf('"%s": "%s"', names(moved), moved), collapse = ", ")))
  dc$stratum <- factor(map[dc$service])
  strata <- aggregate(effectif ~ stratum, data = data.frame(stratum = map[pop$modalite], effectif = pop$effectif),
                      FUN = sum)
  dc$demi_journee <- factor(dc$demi_journee)
  dc$w0 <- sum(pop$effectif) / nrow(dc)
  design0 <- svydesign(ids = ~1, weights = ~w0, data = dc)
  names_mm <- colnames(model.matrix(~stratum + demi_journee, dc))
  totals <- sapply(names_mm, function(name) {
    if (name == "(Intercept)") return(sum(pop$effectif))
    if (startsWith(name, "stratum")) return(strata$effectif[strata$stratum == sub("^stratum", "", name)])
    half$effectif[half$modalite == sub("^demi_journee", "", name)]
  })
  designs <- list(
    poststratification = postStratify(design0, ~stratum, data.frame(stratum = strata$stratum, Freq = strata$effectif)),
    raking = calibrate(design0, ~stratum + demi_journee, totals, calfun = "raking", epsilon = 1e-10, maxit = 500)
  )
  for (method in names(designs)) {
    des <- designs[[method]]
    est <- list()
    for (q in questions) {
      f <- as.formula(paste0("~", q, "_sat"))
      e <- svymean(f, subset(des, !is.na(dc[[q]])))
      est[[q]] <- c(coef(e), SE(e))
    }
    results[[method]][[campaign]] <- list(weights = weights(des), est = est)
  }
}

z <- 1.959964
blocks <- c()
for (method in names(results)) {
  per_campaign <- c()
  for (campaign in c("2021", "2022")) {
    r <- results[[method]][[campaign]]
    qs <- sapply(questions, function(q) sprintf('"%s": {"estimate": %s, "se": %s}', q, num(r$est[[q]][1]),
                                               num(r$est[[q]][2])))
    per_campaign <- c(per_campaign, sprintf('"%s": {"weights": [%s], "questions": {%s}}', campaign,
                                            paste(num(r$weights), collapse = ", "), paste(qs, collapse = ", ")))
  }
  diffs <- sapply(questions, function(q) {
    a <- results[[method]][["2021"]]$est[[q]]
    b <- results[[method]][["2022"]]$est[[q]]
    gap <- b[1] - a[1]
    se <- sqrt(a[2]^2 + b[2]^2)
    sprintf('"%s": {"ecart": %s, "se": %s, "ic_bas": %s, "ic_haut": %s}', q, num(gap), num(se), num(gap - z * se),
            num(gap + z * se))
  })
  blocks <- c(blocks, sprintf('"%s": {"campagnes": {%s}, "differences": {%s}}', method,
                              paste(per_campaign, collapse = ", "), paste(diffs, collapse = ", ")))
}
writeLines(paste0('{"survey_version": "', as.character(packageVersion("survey")), '", "R_version": "',
                  R.version.string, '", "threshold": ', threshold, ', "merges": {', paste(maps, collapse = ", "),
                  '}, ', paste(blocks, collapse = ", "), "}"), "campaigns_reference.json")
